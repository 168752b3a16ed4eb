package xpf.sim.xen.mm.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.EntryBits;
import xpf.sim.xen.mm.FrameTable;

/**
 * The shadow state Xen keeps (shadow/common.c: {@code sh_promote}, {@code sh_remove_write_access},
 * {@code sh_remove_shadows}, {@code shadow_blow_tables}; xen-hvm-fault-path.md §3.3) and the hardware translating
 * through it (§1.1/§2.1: the processor walks Xen's shadow with Xen's controls; a magic entry faults with RSVD|P).
 */
class ShadowTablesTest {

    static final long ROOT_A = 0x1000L << 12;
    static final long ROOT_B = 0x1009L << 12;
    static final long L1 = 0x534;
    static final long L2 = 0x532;
    static final long DATA = 0x510;
    static final long RW_ENTRY = (DATA << 12) | EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A
            | EntryBits.D;

    private final FrameTable frames = new FrameTable();
    private final ShadowTables tables = new ShadowTables(frames);

    private static ShadowL1e entry(long vpn, long sl1e, long mfn, List<Long> slots, List<Long> tableMfns) {
        return new ShadowL1e(vpn, sl1e, 0x1010, mfn, sl1e, slots, tableMfns, false);
    }

    @Test
    @DisplayName("sh_promote: the frame becomes PGC_page_table (levels kept) and the frame table says so")
    void promote() {
        frames.assign(L1, 1);
        assertThat(tables.isPageTable(L1)).isFalse();
        tables.promote(L1, 1);
        tables.promote(L1, 2);
        tables.promote(0x999, 4); // a frame nobody owns: only the shadow code knows
        assertThat(tables.isPageTable(L1)).isTrue();
        assertThat(tables.pageTables()).containsEntry(L1, Set.of(1, 2)).containsKey(0x999L);
        assertThat(frames.get(L1).shadowedPageTable()).isTrue();
    }

    @Test
    @DisplayName("sh_remove_write_access: RW (and D) go from every shadow mapping the frame, in every root; the "
            + "count is what was writable")
    void removeWriteAccess() {
        long ro = (DATA << 12) | EntryBits.P | EntryBits.US | EntryBits.A;
        tables.set(ROOT_A, entry(0x400, RW_ENTRY, DATA, List.of(), List.of()));
        tables.set(ROOT_B, entry(0x400, RW_ENTRY, DATA, List.of(), List.of()));
        tables.set(ROOT_A, entry(0x401, ro, DATA, List.of(), List.of()));
        tables.set(ROOT_A, entry(0x402, (0x511L << 12) | EntryBits.P | EntryBits.RW, 0x511, List.of(), List.of()));
        assertThat(tables.removeWriteAccess(DATA)).isEqualTo(2);
        assertThat(tables.get(ROOT_A, 0x400).sl1e()).isEqualTo(RW_ENTRY & ~(EntryBits.RW | EntryBits.D));
        assertThat(tables.get(ROOT_B, 0x400).sl1e()).isEqualTo(RW_ENTRY & ~(EntryBits.RW | EntryBits.D));
        assertThat(tables.get(ROOT_A, 0x401).sl1e()).isEqualTo(ro);
        assertThat(tables.get(ROOT_A, 0x402).sl1e() & EntryBits.RW).as("another frame keeps RW").isNotZero();
        assertThat(tables.removeWriteAccess(DATA)).as("nothing writable left").isZero();
    }

    @Test
    @DisplayName("sh_remove_write_access leaves magic entries alone")
    void magicEntriesKeepTheirBits() {
        long mmio = ShadowMagic.mmio(DATA, true, true);
        tables.set(ROOT_A, new ShadowL1e(0x700, mmio, DATA, DATA, 0, List.of(), List.of(), false));
        assertThat(tables.removeWriteAccess(DATA)).isZero();
        assertThat(tables.get(ROOT_A, 0x700).sl1e()).isEqualTo(mmio);
    }

    @Test
    @DisplayName("sh_remove_shadows: every shadow built by walking the frame goes (all roots); the frame stops being "
            + "a page table unless it is a top level in use")
    void removeAllShadows() {
        frames.assign(L1, 1);
        tables.promote(L1, 1);
        tables.promote(L2, 2);
        tables.set(ROOT_A, entry(0x400, RW_ENTRY, DATA, List.of(), List.of(L2, L1)));
        tables.set(ROOT_B, entry(0x400, RW_ENTRY, DATA, List.of(), List.of(L2, L1)));
        tables.set(ROOT_A, entry(0x600, RW_ENTRY, DATA, List.of(), List.of(L2, 0x535L)));
        assertThat(tables.removeAllShadows(L1, Set.of())).isEqualTo(2);
        assertThat(tables.get(ROOT_A, 0x400)).isNull();
        assertThat(tables.get(ROOT_B, 0x400)).isNull();
        assertThat(tables.get(ROOT_A, 0x600)).isNotNull();
        assertThat(tables.isPageTable(L1)).isFalse();
        assertThat(frames.get(L1).shadowedPageTable()).isFalse();
        assertThat(tables.removeAllShadows(L2, Set.of(L2))).isEqualTo(1);
        assertThat(tables.isPageTable(L2)).as("a top level in use stays promoted").isTrue();
        assertThat(tables.entries().get(ROOT_A)).isEmpty();
    }

    @Test
    @DisplayName("dependents: shadows whose guest entries lie in [lo, hi), with their root")
    void dependents() {
        long slot = (L1 << 12) + 0x20;
        tables.set(ROOT_A, entry(0x404, RW_ENTRY, DATA, List.of(0x1000L, slot), List.of(L1)));
        tables.set(ROOT_B, entry(0x404, RW_ENTRY, DATA, List.of(slot), List.of(L1)));
        tables.set(ROOT_A, entry(0x405, RW_ENTRY, DATA, List.of(slot + 8), List.of(L1)));
        assertThat(tables.dependents(slot, slot + 8)).extracting(e -> e.getKey() + ":" + e.getValue().vpn())
                .containsExactlyInAnyOrder(ROOT_A + ":1028", ROOT_B + ":1028");
        assertThat(tables.dependents(slot + 1, slot + 8)).as("lo is inclusive").isEmpty();
        assertThat(tables.dependents(slot - 8, slot)).as("hi is exclusive").isEmpty();
        assertThat(tables.dependents(slot, slot + 16)).hasSize(3);
    }

    @Test
    @DisplayName("shadow_blow_tables: every shadow and every page-table mark goes")
    void blowTables() {
        frames.assign(L1, 1);
        tables.promote(L1, 1);
        tables.set(ROOT_A, entry(0x400, RW_ENTRY, DATA, List.of(), List.of(L1)));
        tables.blowTables();
        assertThat(tables.get(ROOT_A, 0x400)).isNull();
        assertThat(tables.isPageTable(L1)).isFalse();
        assertThat(frames.get(L1).shadowedPageTable()).isFalse();
        assertThat(tables.pageTables()).isEmpty();
    }

    @Test
    @DisplayName("lookups on an unknown root find nothing; removing there is harmless")
    void unknownRoot() {
        assertThat(tables.get(0x42, 1)).isNull();
        tables.remove(0x42, 1);
        tables.set(ROOT_A, entry(0x400, RW_ENTRY, DATA, List.of(), List.of()));
        tables.remove(ROOT_A, 0x400);
        assertThat(tables.get(ROOT_A, 0x400)).isNull();
    }

    // ---- the hardware over the shadow ----

    private static final CpuConfig CPU = CpuConfig.intel(40);

    private static PagingControls hw() {
        return ShadowHardware.hardwareControls(PagingControls.long4(ROOT_A).withSmep(true).withSmap(true)
                .withPke(true), true, true);
    }

    @Test
    @DisplayName("§1.1/§2.1 hardware controls under shadow: long mode, CR0.WP on, Xen's NXE, no PKE/PKS; SMEP/SMAP "
            + "hidden while guest paging is off")
    void hardwareControls() {
        PagingControls guest = PagingControls.long4(ROOT_A).withMode(PagingMode.LEGACY2).withSmep(true)
                .withSmap(true).withPke(true).withPks(true);
        PagingControls on = ShadowHardware.hardwareControls(guest, true, true);
        assertThat(on.mode()).isEqualTo(PagingMode.LONG4);
        assertThat(on.cr0Wp()).isTrue();
        assertThat(on.eferNxe()).isTrue();
        assertThat(on.cr4Pke()).isFalse();
        assertThat(on.cr4Pks()).isFalse();
        assertThat(on.cr4Smep()).isTrue();
        assertThat(on.cr4Smap()).isTrue();
        PagingControls off = ShadowHardware.hardwareControls(guest, false, false);
        assertThat(off.eferNxe()).isFalse();
        assertThat(off.cr4Smep()).isFalse();
        assertThat(off.cr4Smap()).isFalse();
    }

    @Test
    @DisplayName("translate: a present shadow entry gives mfn<<12 | offset; the 32-bit guest's address is "
            + "truncated to 32 bits")
    void translateOk() {
        tables.set(ROOT_A, entry(0x400, RW_ENTRY, DATA, List.of(), List.of()));
        ShadowHardware.Result r = ShadowHardware.translate(tables, ROOT_A, Access.write(0x400123, 3),
                PagingMode.LONG4, hw(), CPU);
        assertThat(r.ok()).isTrue();
        assertThat(r.hpa()).isEqualTo((DATA << 12) | 0x123);
        assertThat(r.entry().vpn()).isEqualTo(0x400);
        ShadowHardware.Result narrow = ShadowHardware.translate(tables, ROOT_A, Access.read(0x1_0040_0008L, 3),
                PagingMode.PAE, hw(), CPU);
        assertThat(narrow.ok()).isTrue();
        assertThat(narrow.la()).isEqualTo(0x400008);
        assertThat(narrow.hpa()).isEqualTo((DATA << 12) | 8);
    }

    @Test
    @DisplayName("translate: non-canonical in long mode is #GP, or #SS for a stack access; no #PF")
    void nonCanonical() {
        long va = 0x0000_8000_0000_0000L;
        ShadowHardware.Result gp = ShadowHardware.translate(tables, ROOT_A, Access.read(va, 3), PagingMode.LONG4,
                hw(), CPU);
        assertThat(gp.status()).isEqualTo(ShadowHardware.Status.GP);
        ShadowHardware.Result ss = ShadowHardware.translate(tables, ROOT_A,
                new Access(va, AccessKind.WRITE, 3, false, true), PagingMode.LONG4, hw(), CPU);
        assertThat(ss.status()).isEqualTo(ShadowHardware.Status.SS);
        ShadowHardware.Result pae = ShadowHardware.translate(tables, ROOT_A, Access.read(va, 3), PagingMode.PAE,
                hw(), CPU);
        assertThat(pae.status()).as("a 32-bit guest has no canonical check").isEqualTo(
                ShadowHardware.Status.PAGE_FAULT);
    }

    @Test
    @DisplayName("translate: no shadow entry or P=0 ⇒ #PF with P clear; a magic entry ⇒ RSVD|P; rights ⇒ P")
    void faults() {
        ShadowHardware.Result none = ShadowHardware.translate(tables, ROOT_A, Access.write(0x400000, 3),
                PagingMode.LONG4, hw(), CPU);
        assertThat(none.status()).isEqualTo(ShadowHardware.Status.PAGE_FAULT);
        assertThat(none.errorCode()).isEqualTo(PfErrorCode.W | PfErrorCode.U);
        tables.set(ROOT_A, entry(0x400, RW_ENTRY & ~EntryBits.P, DATA, List.of(), List.of()));
        assertThat(ShadowHardware.translate(tables, ROOT_A, Access.read(0x400000, 0), PagingMode.LONG4, hw(), CPU)
                .errorCode()).isZero();
        tables.set(ROOT_A, new ShadowL1e(0x700, ShadowMagic.mmio(0x2000, true, true), 0x2000, -1, 0, List.of(),
                List.of(), false));
        ShadowHardware.Result magic = ShadowHardware.translate(tables, ROOT_A, Access.read(0x700000, 3),
                PagingMode.LONG4, hw(), CPU);
        assertThat(magic.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD | PfErrorCode.U);
        long kernel = (DATA << 12) | EntryBits.P | EntryBits.RW | EntryBits.A | EntryBits.D;
        tables.set(ROOT_A, entry(0x401, kernel, DATA, List.of(), List.of()));
        ShadowHardware.Result user = ShadowHardware.translate(tables, ROOT_A, Access.read(0x401000, 3),
                PagingMode.LONG4, hw(), CPU);
        assertThat(user.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.U);
        ShadowHardware.Result sup = ShadowHardware.translate(tables, ROOT_A, Access.write(0x401000, 0),
                PagingMode.LONG4, hw(), CPU);
        assertThat(sup.ok()).isTrue();
        assertThat(user.ok()).isFalse();
        assertThat(ShadowHardware.translate(tables, ROOT_A, Access.fetch(0x401000, 0), PagingMode.LONG4, hw(), CPU)
                .ok()).as("no NX in the entry: a supervisor fetch runs").isTrue();
        tables.set(ROOT_A, entry(0x402, kernel | EntryBits.XD, DATA, List.of(), List.of()));
        ShadowHardware.Result nx = ShadowHardware.translate(tables, ROOT_A, Access.fetch(0x402000, 0),
                PagingMode.LONG4, hw(), CPU);
        assertThat(nx.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.I);
        PagingControls noNx = ShadowHardware.hardwareControls(PagingControls.long4(ROOT_A), true, false);
        assertThat(ShadowHardware.translate(tables, ROOT_A, Access.fetch(0x402000, 0), PagingMode.LONG4, noNx, CPU)
                .errorCode()).as("without Xen's NXE bit 63 is reserved, not NX").isEqualTo(PfErrorCode.P
                        | PfErrorCode.RSVD);
    }
}
