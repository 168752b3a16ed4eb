package xpf.conformance.reference;

import java.util.TreeMap;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;

/**
 * Builds walk cases for the rule tests. The standard layouts below are the hand-computed fixtures the tests refer
 * to; every expected value in the tests is derived by hand from them and the tables, never by running the model.
 *
 * <pre>
 * long4  cr3=0x1000  VA=0x0000_0080_8060_4567 (PML4 idx 1, PDPT idx 2, PD idx 3, PT idx 4, offset 0x567)
 *        PML4E @0x1008 -> PDPT 0x2000; PDPTE @0x2010 -> PD 0x3000; PDE @0x3018 -> PT 0x4000; PTE @0x4020 -> 0x5000
 * long5  cr3=0x1000  VA=0x0005_0080_8060_4567 (PML5 idx 5, then as long4)
 *        PML5E @0x1028 -> PML4 0x6000; PML4E @0x6008 -> PDPT 0x2000; then as long4
 * pae    cr3=0x1020  (PDPT at 0x1020) VA=0x8060_4567 (PDPT idx 2, PD idx 3, PT idx 4, offset 0x567)
 *        PDPTE @0x1030 -> PD 0x3000; PDE @0x3018 -> PT 0x4000; PTE @0x4020 -> 0x5000
 * legacy2 cr3=0x1000 VA=0x00C0_4567 (PD idx 3, PT idx 4, offset 0x567)
 *        PDE @0x100C -> PT 0x4000; PTE @0x4010 -> 0x5000
 * </pre>
 */
final class CaseBuilder {
    static final long LONG4_VA = 0x0000_0080_8060_4567L;
    static final long LONG5_VA = 0x0005_0080_8060_4567L;
    static final long PAE_VA = 0x8060_4567L;
    static final long LEGACY_VA = 0x00C0_4567L;

    static final long URW = 0x7;   // P | R/W | U/S
    static final long SRW = 0x3;   // P | R/W
    static final long URO = 0x5;   // P | U/S
    static final long SRO = 0x1;   // P
    static final long PS = 0x80;
    static final long A = 0x20;
    static final long D = 0x40;
    static final long XD = 1L << 63;

    private PagingMode mode;
    private int maxPhyAddr = 40;
    private Vendor vendor = Vendor.INTEL;
    private boolean page1gb = true;
    private boolean wp;
    private boolean pse;
    private boolean smep;
    private boolean smap;
    private boolean pke;
    private boolean pks;
    private boolean nxe;
    private boolean ac;
    private int pkru;
    private int pkrs;
    private long cr3;
    private final TreeMap<Long, Long> memory = new TreeMap<>();

    private CaseBuilder(PagingMode mode, long cr3) {
        this.mode = mode;
        this.cr3 = cr3;
    }

    static CaseBuilder of(PagingMode mode, long cr3) {
        return new CaseBuilder(mode, cr3);
    }

    /** The long4 layout, every level P|R/W|U/S (a user-writable 4 KiB page at 0x5000). */
    static CaseBuilder long4() {
        return long4(URW, URW, URW, URW);
    }

    static CaseBuilder long4(long pml4eFlags, long pdpteFlags, long pdeFlags, long pteFlags) {
        return of(PagingMode.LONG4, 0x1000)
                .mem(0x1008, 0x2000 | pml4eFlags)
                .mem(0x2010, 0x3000 | pdpteFlags)
                .mem(0x3018, 0x4000 | pdeFlags)
                .mem(0x4020, 0x5000 | pteFlags);
    }

    static CaseBuilder long5() {
        return of(PagingMode.LONG5, 0x1000)
                .mem(0x1028, 0x6000 | URW)
                .mem(0x6008, 0x2000 | URW)
                .mem(0x2010, 0x3000 | URW)
                .mem(0x3018, 0x4000 | URW)
                .mem(0x4020, 0x5000 | URW);
    }

    /** The PAE layout; the PDPTE has P only (its bits 2:1 are reserved). */
    static CaseBuilder pae() {
        return pae(URW, URW);
    }

    static CaseBuilder pae(long pdeFlags, long pteFlags) {
        return of(PagingMode.PAE, 0x1020)
                .mem(0x1030, 0x3001)
                .mem(0x3018, 0x4000 | pdeFlags)
                .mem(0x4020, 0x5000 | pteFlags);
    }

    static CaseBuilder legacy2() {
        return legacy2(URW, URW);
    }

    static CaseBuilder legacy2(long pdeFlags, long pteFlags) {
        return of(PagingMode.LEGACY2, 0x1000)
                .mem(0x100C, 0x4000 | pdeFlags)
                .mem(0x4010, 0x5000 | pteFlags);
    }

    CaseBuilder mem(long address, long value) {
        memory.put(address, value);
        return this;
    }

    /** ORs bits into an existing entry. */
    CaseBuilder set(long address, long bits) {
        memory.merge(address, bits, (a, b) -> a | b);
        return this;
    }

    /** Clears bits of an existing entry. */
    CaseBuilder clear(long address, long bits) {
        memory.computeIfPresent(address, (k, v) -> v & ~bits);
        return this;
    }

    CaseBuilder maxPhyAddr(int m) {
        this.maxPhyAddr = m;
        return this;
    }

    CaseBuilder amd() {
        this.vendor = Vendor.AMD;
        return this;
    }

    CaseBuilder noPage1gb() {
        this.page1gb = false;
        return this;
    }

    CaseBuilder wp() {
        this.wp = true;
        return this;
    }

    CaseBuilder pse() {
        this.pse = true;
        return this;
    }

    CaseBuilder smep() {
        this.smep = true;
        return this;
    }

    CaseBuilder smap() {
        this.smap = true;
        return this;
    }

    CaseBuilder ac() {
        this.ac = true;
        return this;
    }

    CaseBuilder nxe() {
        this.nxe = true;
        return this;
    }

    CaseBuilder pke(int pkruValue) {
        this.pke = true;
        this.pkru = pkruValue;
        return this;
    }

    CaseBuilder pks(int pkrsValue) {
        this.pks = true;
        this.pkrs = pkrsValue;
        return this;
    }

    /** Sets PKRU without enabling CR4.PKE. */
    CaseBuilder pkru(int v) {
        this.pkru = v;
        return this;
    }

    CaseBuilder pkrs(int v) {
        this.pkrs = v;
        return this;
    }

    CaseBuilder cr3(long v) {
        this.cr3 = v;
        return this;
    }

    WalkCase access(Access a) {
        CpuConfig cpu = new CpuConfig(vendor, maxPhyAddr, page1gb);
        PagingControls c = new PagingControls(mode, wp, pse, false, smep, smap, pke, pks, nxe, ac, pkru, pkrs, cr3);
        return new WalkCase(cpu, c, memory, a);
    }

    WalkCase read(long va, int cpl) {
        return access(Access.read(va, cpl));
    }

    WalkCase write(long va, int cpl) {
        return access(Access.write(va, cpl));
    }

    WalkCase fetch(long va, int cpl) {
        return access(Access.fetch(va, cpl));
    }

    /** An implicit supervisor access (descriptor-table read or write) made at the given CPL. */
    WalkCase implicit(AccessKind kind, long va, int cpl) {
        return access(new Access(va, kind, cpl, true, false));
    }

    WalkCase stack(AccessKind kind, long va, int cpl) {
        return access(new Access(va, kind, cpl, false, true));
    }
}
