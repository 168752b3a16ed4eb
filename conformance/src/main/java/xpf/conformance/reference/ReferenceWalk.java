package xpf.conformance.reference;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vectors;
import xpf.model.x86.Vendor;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * The independent reference model of one x86 page walk: {@link #evaluate(WalkCase)} answers a case with the outcome
 * docs/walk-service.md specifies. It applies the tables of this package in the contract's evaluation order:
 * <ol>
 *   <li>canonical check (§1.1d step 2) → #GP(0) / #SS(0);</li>
 *   <li>PAE PDPTE load (§1.1b row "PAE | PDPTE") → #GP(0);</li>
 *   <li>the used entries ({@link UsedEntries}, §1.1a) and their stop reason: P=0 or reserved (§1.1b) → #PF;</li>
 *   <li>rights ({@link RightsTable}, §1.1c) → #PF with P and maybe PK (§1.1d);</li>
 *   <li>success: physical address (§1.1a) and A/D ({@link AccessedDirtyRule}, §1.1e).</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class ReferenceWalk {

    static final String NOTE_PDPTE_LOAD = "PDPTE load #GP(0)";
    static final String NOTE_AMD_SMAP = "AMD erratum 1053: SMAP on implicit accesses is known-divergent";

    private static final long US = 1L << 2;
    private static final long RW = 1L << 1;
    private static final long XD = 1L << 63;

    private ReferenceWalk() {
    }

    public static WalkOutcome evaluate(WalkCase wc) {
        WalkAnswer answer = new WalkAnswer();
        evaluate(wc.cpu(), wc.controls(), UsedEntries.of(wc.memory()), null, wc.access(), answer);
        return answer.toOutcome();
    }

    /**
     * The walk of a processor whose PAE PDPTE registers were loaded earlier (a MOV CR3, x86-paging.md §1.1a "4 PDPTE
     * <em>registers</em>"): the PDPTE level reads {@code pdpteRegisters} (four entries), every other level reads
     * {@code wc.memory()}; the load check of §1.1b applies to the registers (#GP(0) if one fails it, as the load
     * that put it there would have). So a walk that reaches the page-directory-pointer table through a lower level (a
     * self-map) reads what memory holds now, which may differ from the registers (SDM vol. 3 §4.4.1: the registers
     * are loaded only by MOV CR3 and the MOV CR0/CR4 writes listed there; a later write to the table does not
     * change them). Outside PAE, or with {@code pdpteRegisters} null, this is {@link #evaluate(WalkCase)}.
     */
    public static WalkOutcome evaluate(WalkCase wc, long[] pdpteRegisters) {
        WalkAnswer answer = new WalkAnswer();
        evaluate(wc.cpu(), wc.controls(), UsedEntries.of(wc.memory()), pdpteRegisters, wc.access(), answer);
        return answer.toOutcome();
    }

    /**
     * The same evaluation, answered into {@code out} (reused by the caller from walk to walk) from entries read
     * through {@code memory}.
     */
    public static void evaluate(CpuConfig cpu, PagingControls c, EntryMemory memory, Access a, WalkAnswer out) {
        evaluate(cpu, c, memory, null, a, out);
    }

    /**
     * The same evaluation with the PAE PDPTE registers of {@link #evaluate(WalkCase, long[])} (null: loaded from
     * memory at the access), answered into {@code out} from entries read through {@code memory}: what the reference
     * model's oracles call per access, on an overlay of the view's memory, without building a {@link WalkCase}.
     */
    public static void evaluate(CpuConfig cpu, PagingControls c, EntryMemory memory, long[] pdpteRegisters,
            Access a, WalkAnswer out) {
        out.clear();
        PagingMode mode = c.mode();

        // 1. §1.1d step 2: a non-canonical address never reaches the walk; no CR2, no A/D.
        if (!isCanonical(mode, a.va())) {
            out.exception(a.stack() ? Vectors.SS : Vectors.GP, null);
            return;
        }

        long[] masks = ReservedBitTable.masksFor(cpu, c.eferNxe());

        // 2. §1.1b "PAE | PDPTE | 63:M, 8:5, 2:1": all four PDPTEs are loaded (as by MOV CR3) whatever the access.
        //    With registers loaded earlier the check is on them: a processor never holds registers that fail it (the
        //    load would have raised #GP(0)), so such a case is the load's question, answered the same way.
        boolean registers = mode == PagingMode.PAE && pdpteRegisters != null;
        if (mode == PagingMode.PAE && pdpteLoadFails(registers ? address -> pdpteRegisters[(int) ((address
                - UsedEntries.pdptBase(c.cr3())) >>> 3) & 3] : memory, c.cr3(), masks)) {
            out.exception(Vectors.GP, NOTE_PDPTE_LOAD);
            return;
        }

        // 3. §1.1a walk, §1.1b stop rules.
        UsedEntries used = UsedEntries.read(out.used, c, cpu, memory, registers ? pdpteRegisters : null, masks,
                a.va());
        int accessBits = ErrorCodeRule.accessBits(c, a);
        switch (used.stop) {
            case NOT_PRESENT:
                out.pageFault(ErrorCodeRule.notPresent(accessBits), a.va(), used, null);
                return;
            case RESERVED:
                out.pageFault(ErrorCodeRule.reserved(accessBits), a.va(), used, null);
                return;
            case LEAF:
                break;
        }

        // 4. §1.1c effective rights over every entry used except PAE PDPTEs.
        boolean effU = true;
        boolean effW = true;
        boolean effXd = false;
        boolean xdMeaningful = mode != PagingMode.LEGACY2 && c.eferNxe();   // §1.1c "only when PAE/IA-32e and NXE=1"
        for (int i = 0; i < used.count; i++) {
            if (used.levels[i] == Level.PAE_PDPTE) {
                continue;   // §1.1c "PAE PDPTEs contribute nothing"
            }
            long e = used.values[i];
            effU &= (e & US) != 0;
            effW &= (e & RW) != 0;
            effXd |= xdMeaningful && (e & XD) != 0;
        }
        long leaf = used.values[used.last()];
        int leafKey = (int) ((leaf >>> 59) & 0xF);   // §1.1c "The protection key is leaf-only (bits 62:59)"
        RightsTable.Verdict verdict = RightsTable.judge(c, a, effU, effW, effXd, leafKey);
        if (verdict.denied()) {
            String note = verdict.deniedBy(RightsTable.Row.SMAP) && a.implicit() && cpu.vendor() == Vendor.AMD
                    ? NOTE_AMD_SMAP : null;
            out.pageFault(ErrorCodeRule.rights(accessBits, verdict.keyDenied()), a.va(), used, note);
            return;
        }

        // 5. Success: §1.1a physical address, §1.1e A/D.
        Level leafLevel = used.levels[used.last()];
        long pa = leafLevel.leafFrame(leaf, cpu.maxPhyAddr()) | (a.va() & (leafLevel.leafSize - 1));
        out.success(pa, leafLevel.leafSize, used);
        AccessedDirtyRule.updates(used, a.kind() == AccessKind.WRITE, out);
    }

    /** §1.1a/§1.1d: 4-level: bits 63:47 all equal; 5-level: bits 63:56 all equal; 32-bit and PAE: no check. */
    static boolean isCanonical(PagingMode mode, long va) {
        int topBit = switch (mode) {
            case LONG4 -> 47;
            case LONG5 -> 56;
            case LEGACY2, PAE -> -1;
        };
        if (topBit < 0) {
            return true;
        }
        long upper = va >> topBit;   // arithmetic: all zeros or all ones when canonical
        return upper == 0 || upper == -1;
    }

    /** §1.1b: any PDPTE with P=1 and a bit of its reserved mask set fails the load. */
    static boolean pdpteLoadFails(EntryMemory memory, long cr3, long[] masks) {
        long base = UsedEntries.pdptBase(cr3);
        long mask = masks[ReservedBitTable.Row.PAE_PDPTE.ordinal()];
        for (int i = 0; i < 4; i++) {
            long e = memory.read(base + 8L * i);
            if ((e & UsedEntries.P) != 0 && (e & mask) != 0) {
                return true;
            }
        }
        return false;
    }
}
