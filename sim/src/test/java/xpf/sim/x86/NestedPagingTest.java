package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.NestedPaging.NestedEntry;
import xpf.sim.x86.NestedPaging.Result;
import xpf.sim.x86.NestedPaging.Status;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * The two-dimensional walk of nested paging (AMD NPT / Intel EPT; x86-paging.md §1.1a-§1.1e, SDM vol. 3 §29.3
 * "EPT" and AMD APM vol. 2 §15.25 "Nested Paging"): the guest's tables live in guest-physical memory, and every
 * guest-physical access (each table read, each A/D write, the final access) goes through the nested tables.
 *
 * <p>The nested tables here relocate every guest frame by {@link #SHIFT} host frames, so that a guest-physical
 * address used as a host address (or the reverse) shows up as a wrong result: the guest's tables are built by a
 * {@link PagingFixture} at guest-physical addresses and copied to host memory at {@code gpa + OFFSET}.
 */
class NestedPagingTest {
    static final long SHIFT = 0x10000;
    static final long OFFSET = SHIFT << 12;
    static final long VA = 0x0040_1234L;
    static final long DATA = 0x7000;

    /** Nested tables: every gfn present RWX at gfn + SHIFT unless overridden (null = not present). */
    static final class Npt implements NestedPaging.NestedTables {
        final Map<Long, NestedEntry> overrides = new HashMap<>();

        @Override
        public NestedEntry lookup(long gfn) {
            return overrides.containsKey(gfn) ? overrides.get(gfn) : new NestedEntry(gfn + SHIFT, true, true, true);
        }

        Npt missing(long gpa) {
            overrides.put(gpa >>> 12, null);
            return this;
        }

        Npt rights(long gpa, boolean r, boolean w, boolean x) {
            overrides.put(gpa >>> 12, new NestedEntry((gpa >>> 12) + SHIFT, r, w, x));
            return this;
        }
    }

    /** The guest's memory as the host holds it: every word of the fixture's memory moved up by OFFSET. */
    static PhysicalMemory host(PagingFixture f) {
        PhysicalMemory h = new PhysicalMemory();
        f.mem.snapshotWords().forEach((pa, v) -> h.writeWord(pa + OFFSET, v));
        return h;
    }

    static PagingFixture long4() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(VA, DATA);
        return f;
    }

    static Result run(PagingFixture f, PhysicalMemory h, PagingControls c, Access a, Npt npt) {
        return NestedPaging.translate(h, f.cpu, c, true, null, a, npt);
    }

    @Test
    @DisplayName("nested: success gives the host address of the guest-physical one (gfn -> hfn, offset kept)")
    void translatesThroughBothDimensions() {
        PagingFixture f = long4();
        Result r = run(f, host(f), f.controls(), Access.read(VA, 3), new Npt());
        assertThat(r.ok()).as("ok() of %s", r).isTrue();
        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.gpa()).isEqualTo(DATA | 0x234);
        assertThat(r.hpa()).isEqualTo(OFFSET + (DATA | 0x234));
        assertThat(r.nested()).isNull();
    }

    @Test
    @DisplayName("nested, paging off: linear = guest-physical, 32 bits wide (SDM vol. 3 §3.3: no paging, 32-bit addresses)")
    void pagingDisabledTruncatesTo32Bits() {
        PagingFixture f = long4();
        Result r = NestedPaging.translate(host(f), f.cpu, f.controls(), false, null,
                Access.read(0x1_0000_5123L, 0), new Npt());
        assertThat(r.ok()).isTrue();
        assertThat(r.gpa()).isEqualTo(0x5123L);
        assertThat(r.hpa()).isEqualTo(OFFSET + 0x5123L);
    }

    @Test
    @DisplayName("nested, paging off: a final access the nested tables do not map is a nested fault at the gpa")
    void pagingDisabledNestedFault() {
        PagingFixture f = long4();
        Result r = NestedPaging.translate(host(f), f.cpu, f.controls(), false, null, Access.write(0x5123L, 0),
                new Npt().rights(0x5000, true, false, true));
        assertThat(r.ok()).isFalse();
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.nested().gpa()).isEqualTo(0x5123L);
        assertThat(r.nested().kind()).isEqualTo(AccessKind.WRITE);
        assertThat(r.nested().finalAccess()).isTrue();
        assertThat(r.nested().present()).as("entry present, write not allowed").isTrue();
    }

    @Test
    @DisplayName("nested, §1.1d: a non-canonical address is #GP(0), or #SS(0) for a stack access; no walk")
    void nonCanonical() {
        PagingFixture f = long4();
        long bad = 0x0000_8000_0000_0000L;
        assertThat(run(f, host(f), f.controls(), Access.read(bad, 0), new Npt()).status()).isEqualTo(Status.GP);
        Result ss = run(f, host(f), f.controls(), new Access(bad, AccessKind.WRITE, 0, false, true), new Npt());
        assertThat(ss.status()).isEqualTo(Status.SS);
        assertThat(ss.ok()).isFalse();
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 0), new Npt()).ok()).isTrue();
    }

    @Test
    @DisplayName("nested, 32-bit paging: linear addresses are 32 bits (bits 63:32 of the operand play no part)")
    void legacyTruncates() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map4k(VA, DATA);
        Result r = run(f, host(f), f.controls(), Access.read(0x1_0000_0000L | VA, 0), new Npt());
        assertThat(r.ok()).as("%s", r).isTrue();
        assertThat(r.la()).isEqualTo(VA);
        assertThat(r.hpa()).isEqualTo(OFFSET + (DATA | 0x234));
    }

    @Test
    @DisplayName("nested: a guest table page the nested tables do not map is a nested READ fault at the entry's gpa")
    void tableReadNestedFault() {
        PagingFixture f = long4();
        long pdeSlot = f.slot(VA, EntryLevel.PDE);
        Result r = run(f, host(f), f.controls(), Access.fetch(VA, 3), new Npt().missing(pdeSlot));
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.gpa()).isEqualTo(pdeSlot);
        assertThat(r.la()).isEqualTo(VA);
        assertThat(r.nested().gpa()).isEqualTo(pdeSlot);
        assertThat(r.nested().gla()).isEqualTo(VA);
        assertThat(r.nested().kind()).as("a table read, whatever the guest access").isEqualTo(AccessKind.READ);
        assertThat(r.nested().finalAccess()).isFalse();
        assertThat(r.nested().present()).as("no nested entry").isFalse();
        assertThat(r.nested().guestFetch()).as("the guest access was a fetch").isTrue();
    }

    @Test
    @DisplayName("nested: a guest table page mapped without read permission is a nested fault with the entry present")
    void tableReadNotReadable() {
        PagingFixture f = long4();
        long pteSlot = f.slot(VA, EntryLevel.PTE);
        Result r = run(f, host(f), f.controls(), Access.read(VA, 3), new Npt().rights(pteSlot, false, true, true));
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.nested().gpa()).isEqualTo(pteSlot);
        assertThat(r.nested().present()).isTrue();
        assertThat(r.nested().guestFetch()).isFalse();
    }

    @Test
    @DisplayName("nested, §1.1a: a guest entry with P=0 is an ordinary guest #PF (W|U of the access, CR2 = la)")
    void guestNotPresent() {
        PagingFixture f = long4();
        f.clearBits(VA, EntryLevel.PDE, EntryBits.P);
        Result r = run(f, host(f), f.controls(), Access.write(VA, 3), new Npt());
        assertThat(r.status()).isEqualTo(Status.PAGE_FAULT);
        assertThat(r.errorCode()).isEqualTo(PfErrorCode.W | PfErrorCode.U);
        assertThat(r.la()).isEqualTo(VA);
        assertThat(r.nested()).isNull();
    }

    @Test
    @DisplayName("nested, §1.1b: a reserved bit in a guest entry is #PF with P|RSVD plus the access bits")
    void guestReservedBit() {
        PagingFixture f = long4();
        f.setBits(VA, EntryLevel.PTE, 1L << 45); // above MAXPHYADDR 40
        Result r = run(f, host(f), f.controls(), Access.write(VA, 3), new Npt());
        assertThat(r.status()).isEqualTo(Status.PAGE_FAULT);
        assertThat(r.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD | PfErrorCode.W | PfErrorCode.U);
    }

    @Test
    @DisplayName("nested, §1.1c: U/S and R/W of a non-leaf entry restrict the leaf's rights")
    void upperLevelRights() {
        PagingFixture f = long4();
        f.clearBits(VA, EntryLevel.PDE, EntryBits.US);
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 3), new Npt()).errorCode())
                .as("user read through a supervisor PDE").isEqualTo(PfErrorCode.P | PfErrorCode.U);
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 0), new Npt()).ok()).isTrue();

        PagingFixture g = long4();
        g.clearBits(VA, EntryLevel.PDPTE, EntryBits.RW);
        assertThat(run(g, host(g), g.controls(), Access.write(VA, 3), new Npt()).errorCode())
                .as("user write through a read-only PDPTE").isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(run(g, host(g), g.controls(), Access.read(VA, 3), new Npt()).ok()).isTrue();
    }

    @Test
    @DisplayName("nested, §1.1b/§1.1c: XD in any level forbids a fetch when EFER.NXE=1; with NXE=0 bit 63 is reserved")
    void executeDisable() {
        PagingFixture f = long4();
        f.setBits(VA, EntryLevel.PDE, EntryBits.XD);
        PagingControls nxe = f.controls().withNxe(true);
        Result r = run(f, host(f), nxe, Access.fetch(VA, 0), new Npt());
        assertThat(r.status()).isEqualTo(Status.PAGE_FAULT);
        assertThat(r.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.I);
        assertThat(run(f, host(f), nxe, Access.read(VA, 0), new Npt()).ok()).as("XD does not forbid a read").isTrue();
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 0), new Npt()).errorCode())
                .as("NXE=0: bit 63 is reserved").isEqualTo(PfErrorCode.P | PfErrorCode.RSVD);
    }

    @Test
    @DisplayName("nested, PAE: the PDPTEs come from the registers loaded at MOV CR3, not from (nested) memory")
    void paePdpteRegisters() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map4k(VA, DATA);
        long[] regs = {f.mem.readWord(f.root), f.mem.readWord(f.root + 8), f.mem.readWord(f.root + 16),
            f.mem.readWord(f.root + 24)};
        PhysicalMemory h = host(f);
        Npt npt = new Npt().missing(f.root);
        Result r = NestedPaging.translate(h, f.cpu, f.controls(), true, regs, Access.write(VA, 3), npt);
        assertThat(r.ok()).as("PDPT page unmapped in the nested tables: %s", r).isTrue();
        assertThat(r.hpa()).isEqualTo(OFFSET + (DATA | 0x234));
        assertThat(h.readWord(f.root + OFFSET) & EntryBits.A).as("§1.1e no A on a PDPTE").isZero();
        assertThat(h.readWord(f.slot(VA, EntryLevel.PDE) + OFFSET) & EntryBits.A).isEqualTo(EntryBits.A);
        // PAE with NXE: XD is a rights bit (legacy 32-bit paging has no XD at all).
        f.setBits(VA, EntryLevel.PTE, EntryBits.XD);
        Result x = NestedPaging.translate(host(f), f.cpu, f.controls().withNxe(true), true, regs,
                Access.fetch(VA, 0), npt);
        assertThat(x.errorCode()).isEqualTo(PfErrorCode.P | PfErrorCode.I);
    }

    @Test
    @DisplayName("nested, §1.1e: a write sets A on every guest entry and D on the leaf only, in host memory")
    void writeSetsAccessedDirtyThroughNestedTables() {
        PagingFixture f = long4();
        PhysicalMemory h = host(f);
        Result r = run(f, h, f.controls(), Access.write(VA, 3), new Npt());
        assertThat(r.ok()).isTrue();
        for (EntryLevel l : new EntryLevel[] {EntryLevel.PML4E, EntryLevel.PDPTE, EntryLevel.PDE}) {
            long e = h.readWord(f.slot(VA, l) + OFFSET);
            assertThat(e & (EntryBits.A | EntryBits.D)).as("%s: A, never D on a non-leaf", l).isEqualTo(EntryBits.A);
            assertThat(e).as("%s otherwise unchanged", l).isEqualTo(f.get(VA, l) | EntryBits.A);
        }
        assertThat(h.readWord(f.slot(VA, EntryLevel.PTE) + OFFSET))
                .isEqualTo(f.get(VA, EntryLevel.PTE) | EntryBits.A | EntryBits.D);
        assertThat(h.readWord(f.slot(VA, EntryLevel.PTE))).as("nothing written at the gpa itself").isZero();
    }

    @Test
    @DisplayName("nested, §1.1e: a read sets A only")
    void readSetsAccessedOnly() {
        PagingFixture f = long4();
        PhysicalMemory h = host(f);
        assertThat(run(f, h, f.controls(), Access.read(VA, 3), new Npt()).ok()).isTrue();
        assertThat(h.readWord(f.slot(VA, EntryLevel.PTE) + OFFSET) & (EntryBits.A | EntryBits.D))
                .isEqualTo(EntryBits.A);
    }

    @Test
    @DisplayName("nested, §1.1e: the A/D write to a guest table the nested tables map read-only is a nested WRITE fault")
    void accessedWriteNestedFault() {
        PagingFixture f = long4();
        long l4 = f.slot(VA, EntryLevel.PML4E);
        Result r = run(f, host(f), f.controls(), Access.read(VA, 3), new Npt().rights(l4, true, false, true));
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.nested().gpa()).isEqualTo(l4);
        assertThat(r.nested().kind()).isEqualTo(AccessKind.WRITE);
        assertThat(r.nested().finalAccess()).isFalse();
    }

    @Test
    @DisplayName("nested, §1.1e: entries that already have A (and D for the leaf) are not written: no nested write")
    void alreadySetNeedsNoNestedWrite() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, DATA, EntryLevel.PTE, PagingFixture.USER_RW | EntryBits.A | EntryBits.D,
                PagingFixture.UPPER | EntryBits.A);
        Npt ro = new Npt();
        for (EntryLevel l : new EntryLevel[] {EntryLevel.PML4E, EntryLevel.PDPTE, EntryLevel.PDE, EntryLevel.PTE}) {
            ro.rights(f.slot(VA, l), true, false, false);
        }
        assertThat(run(f, host(f), f.controls(), Access.write(VA, 3), ro).ok()).isTrue();
        // Only the leaf lacks D for a write: the one nested write is to the PTE's page.
        f.clearBits(VA, EntryLevel.PTE, EntryBits.D);
        Result r = run(f, host(f), f.controls(), Access.write(VA, 3), ro);
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.nested().gpa()).isEqualTo(f.slot(VA, EntryLevel.PTE));
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 3), ro).ok()).as("a read needs no D").isTrue();
    }

    @Test
    @DisplayName("nested: the final access needs the nested permission of its kind (fetch: execute)")
    void finalAccessPermission() {
        PagingFixture f = long4();
        Npt nx = new Npt().rights(DATA, true, true, false);
        Result r = run(f, host(f), f.controls(), Access.fetch(VA, 3), nx);
        assertThat(r.status()).isEqualTo(Status.NESTED_FAULT);
        assertThat(r.nested().gpa()).isEqualTo(DATA | 0x234);
        assertThat(r.nested().kind()).isEqualTo(AccessKind.FETCH);
        assertThat(r.nested().finalAccess()).isTrue();
        assertThat(r.nested().guestFetch()).isTrue();
        assertThat(run(f, host(f), f.controls(), Access.read(VA, 3), nx).ok()).isTrue();
    }

    @Test
    @DisplayName("nested, §1.1a: a 2 MiB guest leaf maps la[20:0] into the large frame")
    void largeGuestLeaf() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x60_0000L, EntryLevel.PDE, PagingFixture.USER_RW, PagingFixture.UPPER);
        Result r = run(f, host(f), f.controls(), Access.read(VA, 3), new Npt());
        assertThat(r.gpa()).isEqualTo(0x60_0000L | (VA & 0x1F_FFFFL));
    }
}
