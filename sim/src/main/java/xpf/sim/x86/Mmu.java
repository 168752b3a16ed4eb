package xpf.sim.x86;

import java.util.Arrays;
import java.util.List;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;

/**
 * One vCPU's memory-management unit: the control registers that affect paging, the PAE PDPTE registers, the TLB and
 * the paging-structure caches, over a shared {@link PhysicalMemory}. {@link #translate} implements the order of
 * x86-paging.md §1.1d/§1.1h for one access, with the caching rules of §1.1f and the strict A/D model of §1.1e.
 *
 * <p>Modelling choices, deterministic where the SDM leaves freedom:
 * <ul>
 *   <li>A TLB hit whose cached rights deny the access faults from the TLB without re-walking (a stale permissive
 *       change therefore gives one spurious #PF); the #PF invalidates the TLB and paging-structure-cache entries
 *       for the address, so the retry walks memory.</li>
 *   <li>A write that the cached rights permit but whose TLB entry has D=0 re-walks (the CPU must set D in
 *       memory); the cached rights are checked first.</li>
 *   <li>MOV to CR4 changing PGE, PAE, PSE or SMEP, a paging-mode change and an EFER.NXE change flush everything;
 *       MOV CR3 flushes non-global TLB entries and all paging-structure caches.</li>
 * </ul>
 */
@Rule({"1.1d", "1.1e", "1.1f", "1.1h"})
public final class Mmu {

    /** What a translation ended in. */
    public enum Outcome { OK, PAGE_FAULT, GP, SS }

    /** Where the answer came from: a TLB entry, or a walk (possibly started from a paging-structure cache). */
    public enum Source { TLB, WALK, PSC_WALK, NONE }

    /**
     * The result of one access's translation.
     *
     * @param walk     physical addresses of the entries read (empty on a TLB hit)
     * @param adSlots  entries whose A/D bits were set, in write order, with {@code adValues} the values written
     */
    public record Result(Outcome outcome, int errorCode, long la, long pa, long pageSize, long[] walk,
            long[] adSlots, long[] adValues, Source source, PageWalker.Status walkStatus) {

        public boolean ok() {
            return outcome == Outcome.OK;
        }

        public int vector() {
            return switch (outcome) {
                case OK -> -1;
                case PAGE_FAULT -> Vectors.PF;
                case GP -> Vectors.GP;
                case SS -> Vectors.SS;
            };
        }

        public List<Long> walkList() {
            return Arrays.stream(walk).boxed().toList();
        }

        @Override
        public String toString() {
            return switch (outcome) {
                case OK -> "ok pa=0x" + Long.toHexString(pa) + " via " + source;
                case PAGE_FAULT -> "#PF(" + PfErrorCode.symbolic(errorCode) + ") cr2=0x" + Long.toHexString(la)
                        + " via " + source;
                case GP -> "#GP(0)";
                case SS -> "#SS(0)";
            };
        }
    }

    private static final long[] NONE = new long[0];

    private final CpuConfig cpu;
    private final PhysicalMemory mem;
    private PagingControls controls;
    private final long[] pdpte = new long[4];
    private final Tlb tlb = new Tlb();
    private PagingStructureCache psc;
    /** The walk's result buffer, reused by every translation of this vCPU (the walk allocates nothing). */
    private final PageWalker.WalkState walk = new PageWalker.WalkState();

    /**
     * Creates the MMU with the given controls in force. For PAE the PDPTE registers are loaded now; if they are
     * invalid the controls are still installed (a test may want to observe that state) and {@link #pdpteValid()}
     * reports false.
     */
    public Mmu(CpuConfig cpu, PhysicalMemory mem, PagingControls initial) {
        this.cpu = cpu;
        this.mem = mem;
        this.controls = initial;
        this.psc = new PagingStructureCache(initial.mode());
        if (initial.mode() == PagingMode.PAE) {
            pdpteLoadFails(initial.cr3(), true);
        }
    }

    /**
     * Returns this vCPU to the state {@code new Mmu(cpu(), memory(), initial)} would have: the controls installed
     * without any MOV side effect, TLB and paging-structure caches empty, and for PAE the PDPTE registers loaded from
     * memory now (even if invalid; see {@link #pdpteValid()}). For harnesses that answer millions of one-shot accesses
     * (the access.c matrix) with one MMU instead of one per access.
     */
    public void reset(PagingControls initial) {
        controls = initial;
        tlb.flushAll();
        if (psc.mode() == initial.mode()) {
            psc.flushAll();
        } else {
            psc = new PagingStructureCache(initial.mode());
        }
        Arrays.fill(pdpte, 0);
        if (initial.mode() == PagingMode.PAE) {
            pdpteLoadFails(initial.cr3(), true);
        }
    }

    public CpuConfig cpu() {
        return cpu;
    }

    public PhysicalMemory memory() {
        return mem;
    }

    public PagingControls controls() {
        return controls;
    }

    public Tlb tlb() {
        return tlb;
    }

    public PagingStructureCache pagingStructureCache() {
        return psc;
    }

    /** The PAE PDPTE registers (a copy). */
    public long[] pdpteRegisters() {
        return pdpte.clone();
    }

    /** Whether the loaded PDPTE registers pass the load-time reserved-bit check (always true outside PAE). */
    public boolean pdpteValid() {
        if (controls.mode() != PagingMode.PAE) {
            return true;
        }
        long rsvd = ReservedBits.pdpteRegister(cpu.maxPhyAddr());
        for (long e : pdpte) {
            if ((e & EntryBits.P) != 0 && (e & rsvd) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads the four PDPTEs for {@code cr3} (§1.1b: a present PDPTE with a reserved bit makes the loading instruction
     * raise #GP(0), never #PF). With {@code force} the registers are loaded even when invalid.
     *
     * @return true if the load fails
     */
    @Rule("1.1b")
    private boolean pdpteLoadFails(long cr3, boolean force) {
        long base = cr3 & 0xFFFFFFE0L;
        long rsvd = ReservedBits.pdpteRegister(cpu.maxPhyAddr());
        long[] next = new long[4];
        boolean bad = false;
        for (int i = 0; i < 4; i++) {
            next[i] = mem.readWord(base + 8L * i);
            bad |= (next[i] & EntryBits.P) != 0 && (next[i] & rsvd) != 0;
        }
        if (!bad || force) {
            System.arraycopy(next, 0, pdpte, 0, 4);
        }
        return bad;
    }

    /**
     * Installs new controls as MOV CR0/CR4 or WRMSR EFER would, with their TLB effects (§1.1f). A changed CR3 counts as
     * a MOV CR3; use {@link #setControls(PagingControls, boolean)} when CR3 was written with its current value.
     *
     * @return {@link Vectors#GP} if the change needs a PAE PDPTE load that fails (nothing changes then), else -1
     */
    public int setControls(PagingControls next) {
        return setControls(next, false);
    }

    /**
     * Installs new controls. {@code cr3Written}: the change includes a MOV to CR3, which flushes non-global
     * translations and all paging-structure caches and (PAE) reloads the PDPTE registers even when the value is the
     * one already loaded (SDM §4.10.4.1; Linux flushes its TLB exactly this way).
     *
     * @return {@link Vectors#GP} if a PAE PDPTE load fails (nothing changes then), else -1
     */
    @Rule({"1.1b", "1.1f"})
    public int setControls(PagingControls next, boolean cr3Written) {
        PagingControls prev = controls;
        boolean modeChange = prev.mode() != next.mode();
        boolean movCr3 = cr3Written || prev.cr3() != next.cr3();
        // SDM vol. 3 §4.4.1: with PAE paging in use afterwards, MOV CR3 loads the PDPTE registers, and so does a MOV
        // to CR0/CR4 that modifies CR0.CD, CR0.NW, CR0.PG, CR4.PAE, CR4.PGE, CR4.PSE or CR4.SMEP (a mode change
        // into PAE modifies PG or PAE; CD/NW are not modelled); other writes (WP, SMAP, PKE, EFER.NXE, or the same
        // values again) leave the registers as they are
        boolean pdpteLoad = modeChange || movCr3 || prev.cr4Pge() != next.cr4Pge()
                || prev.cr4Pse() != next.cr4Pse() || prev.cr4Smep() != next.cr4Smep();
        if (next.mode() == PagingMode.PAE && pdpteLoad && pdpteLoadFails(next.cr3(), false)) {
            return Vectors.GP;
        }
        controls = next;
        if (modeChange) {
            psc = new PagingStructureCache(next.mode());
        }
        if (modeChange || prev.cr4Pge() != next.cr4Pge() || prev.cr4Pse() != next.cr4Pse()
                || prev.cr4Smep() != next.cr4Smep() || prev.eferNxe() != next.eferNxe()) {
            flushAll();
        } else if (movCr3) {
            tlb.flushNonGlobal();
            psc.flushAll();
        }
        return -1;
    }

    /** MOV CR3 with the current mode: always flushes non-global translations, even with an unchanged value. */
    public int loadCr3(long cr3) {
        return setControls(controls.withCr3(cr3), true);
    }

    /** INVLPG: entries for the page, global ones included, and all paging-structure caches; a NOP if non-canonical. */
    @Rule("1.1f")
    public void invlpg(long la) {
        if (!PagingGeometry.canonical(controls.mode(), la)) {
            return;
        }
        tlb.invalidatePage(la);
        psc.flushAll();
    }

    /** Everything, global entries included. */
    public void flushAll() {
        tlb.flushAll();
        psc.flushAll();
    }

    /**
     * Translates one access: canonical check, TLB, walk, rights, A/D, cache fill. Memory is changed only by A/D
     * updates on success. On a #PF the TLB and paging-structure-cache entries for the address are invalidated, as
     * #PF delivery does (§1.1f), so a retry sees memory.
     */
    public Result translate(Access a) {
        return translate(a, true);
    }

    /**
     * Translates one access; with {@code fillCaches} false a successful walk does not fill the TLB and
     * paging-structure caches (for one-shot translations such as the walk service, where nothing reads them later).
     */
    public Result translate(Access a, boolean fillCaches) {
        PagingControls c = controls;
        PagingMode mode = c.mode();
        long la = a.va();
        boolean ia32e = PagingGeometry.ia32e(mode);
        if (!PagingGeometry.canonical(mode, la)) {
            return new Result(a.stack() ? Outcome.SS : Outcome.GP, 0, la, 0, 0, NONE, NONE, NONE, Source.NONE, null);
        }
        if (!ia32e) {
            la &= 0xFFFFFFFFL;
        }
        int base = ErrorCodes.base(a, c);

        Tlb.Entry hit = tlb.lookup(la);
        if (hit != null) {
            // Cached rights first: a denial faults from the TLB (spurious if memory has since been relaxed).
            int deny = AccessRights.check(a, hit.rights(), c, ia32e);
            if (deny != 0) {
                return pageFault(base | deny, la, NONE, Source.TLB, PageWalker.Status.TRANSLATED);
            }
            // A permitted write through an entry with D=0 must walk to set D in memory.
            if (!(a.kind() == AccessKind.WRITE && !hit.dirty())) {
                return new Result(Outcome.OK, 0, la, hit.paBase() | (la & (hit.pageSize() - 1)), hit.pageSize(),
                        NONE, NONE, NONE, Source.TLB, null);
            }
        }

        PageWalker.Start start = psc.lookup(la);
        Source source = start == null ? Source.WALK : Source.PSC_WALK;
        PageWalker.WalkState w = walk;
        PageWalker.Status status = PageWalker.walk(w, mem, cpu, c, pdpte, la, start);
        if (status != PageWalker.Status.TRANSLATED) {
            return pageFault(base | w.errorBits, la, w.slotsCopy(), source, status);
        }
        int deny = AccessRights.check(a, w.user, w.writable, w.executeDisable, w.pkey, c, ia32e);
        if (deny != 0) {
            return pageFault(base | deny, la, w.slotsCopy(), source, status);
        }
        boolean write = a.kind() == AccessKind.WRITE;
        long[] slots = w.slotsCopy();
        Result ok = setAccessedDirty(w, write, la, slots, source);
        if (fillCaches) {
            fillCaches(w, la, start, write, c);
        }
        return ok;
    }

    private Result pageFault(int ec, long la, long[] walk, Source source, PageWalker.Status status) {
        tlb.invalidatePage(la);
        psc.invalidateAddress(la);
        return new Result(Outcome.PAGE_FAULT, ec, la, 0, 0, walk, NONE, NONE, source, status);
    }

    /**
     * §1.1e strict model: A on every entry used (never the PAE PDPTE registers), D on the leaf for a write, each as a
     * locked read-modify-write of the current value; an entry that already has the bit is not written.
     */
    @Rule("1.1e")
    private Result setAccessedDirty(PageWalker.WalkState w, boolean write, long la, long[] walkSlots, Source source) {
        int n = w.count;
        long[] slots = NONE;
        long[] values = NONE;
        int k = 0;
        int width = controls.mode().entryBytes();
        for (int i = w.rightsFrom; i < n; i++) {
            long bits = EntryBits.A | (write && i == n - 1 ? EntryBits.D : 0);
            long slot = w.slots[i];
            long cur = width == 4 ? mem.read(slot, 4) : mem.readWord(slot);
            if ((cur & bits) != bits) {
                long upd = cur | bits;
                mem.compareAndSet(slot, width, cur, upd);
                if (k == 0) {
                    slots = new long[n];
                    values = new long[n];
                }
                slots[k] = slot;
                values[k] = upd;
                k++;
            }
        }
        if (k > 0 && k < n) {
            slots = Arrays.copyOf(slots, k);
            values = Arrays.copyOf(values, k);
        }
        return new Result(Outcome.OK, 0, la, w.pa, w.pageSize, walkSlots, slots, values, source,
                PageWalker.Status.TRANSLATED);
    }

    private void fillCaches(PageWalker.WalkState w, long la, PageWalker.Start start, boolean write,
            PagingControls c) {
        int firstLevel = start == null ? 0 : start.levelIndex();
        boolean user = start == null || start.user();
        boolean writable = start == null || start.writable();
        boolean xd = start != null && start.executeDisable();
        boolean nx = c.eferNxe() && c.mode() != PagingMode.LEGACY2;
        int n = w.count;
        for (int k = 0; k < n - 1; k++) {
            long e = w.values[k];
            if (k >= w.rightsFrom) {
                user &= (e & EntryBits.US) != 0;
                writable &= (e & EntryBits.RW) != 0;
                xd |= nx && (e & EntryBits.XD) != 0;
            }
            int levelIndex = firstLevel + k;
            long nextBase = PagingGeometry.nextTableBase(c.mode(), e, cpu.maxPhyAddr());
            psc.fill(levelIndex, la, new PageWalker.Start(levelIndex + 1, nextBase, user, writable, xd));
        }
        long leaf = w.values[n - 1];
        boolean dirty = write || (leaf & EntryBits.D) != 0;
        boolean global = c.cr4Pge() && w.global;
        long vaBase = la & -w.pageSize;
        long paBase = w.pa & -w.pageSize;
        tlb.insert(la, new Tlb.Entry(vaBase, w.pageSize, paBase,
                new AccessRights.Effective(w.user, w.writable, w.executeDisable, w.pkey), dirty, global,
                w.slots[n - 1]));
    }
}
