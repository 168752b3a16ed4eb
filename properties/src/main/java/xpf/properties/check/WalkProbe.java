package xpf.properties.check;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;
import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * Asks the independent x86 reference ({@link ReferenceWalk}) about one access of a running guest without copying its
 * memory: the probe follows the table pointers from CR3 (ignoring rights, PS and reserved bits, so it reads at least
 * what the reference will), puts those words into a small memory map, and hands the case to the reference. PAE walks
 * use the vCPU's PDPTE registers, not the memory behind CR3 (the processor caches them at the CR3 load), for the
 * PDPTE level only: a lower level that reads the PDPT page reads memory.
 */
public final class WalkProbe {

    /** What the walk read: the reference's outcome and the entries it looked at (entry address → value). */
    public record Probe(WalkOutcome outcome, SortedMap<Long, Long> words) {
    }

    private WalkProbe() {
    }

    /**
     * @param readWord reads the aligned 8-byte word at a (guest-)physical address; 0 where nothing is
     * @param pdpte    the PAE PDPTE registers (null for other modes)
     */
    public static Probe probe(CpuConfig cpu, PagingControls c, long[] pdpte, LongUnaryOperator readWord, Access a) {
        SortedMap<Long, Long> words = new TreeMap<>();
        PagingMode mode = c.mode();
        long addrMask = mode == PagingMode.LEGACY2 ? 0xFFFFF000L
                : ((1L << cpu.maxPhyAddr()) - 1) & ~0xFFFL;
        long table;
        int firstDepth = 0;
        if (mode == PagingMode.PAE) {
            long base = c.cr3() & 0xFFFFFFE0L;
            long[] regs = new long[4];
            for (int i = 0; i < 4; i++) {
                regs[i] = pdpte == null ? readWord.applyAsLong(base + 8L * i) : pdpte[i];
                words.put(base + 8L * i, regs[i]);
            }
            long e = regs[(int) ((a.va() >>> 30) & 3)];
            if ((e & 1) == 0) {
                return new Probe(evaluate(cpu, c, words, pdpte, a), words);
            }
            table = e & addrMask;
            firstDepth = 1;
        } else {
            table = c.cr3() & addrMask;
        }
        int levels = xpf.properties.gen.Geometry.levels(mode);
        for (int depth = firstDepth; depth < levels; depth++) {
            int idx = xpf.properties.gen.Geometry.index(mode, a.va(), depth);
            long addr = table + (long) idx * mode.entryBytes();
            long e = entry(mode, readWord, addr);
            words.put(addr, e);
            if ((e & 1) == 0) {
                break;
            }
            table = e & addrMask;
        }
        return new Probe(evaluate(cpu, c, words, pdpte, a), words);
    }

    /**
     * The reference's answer. With PDPTE registers the walk's PDPTE level reads them and every lower level reads
     * {@code words}, which hold memory: a lower level that reads the PDPT page (a self-map) replaced the register
     * value put there for the PDPTE level with memory's (findings bare-host-write-self-map-walk and
     * bare-host-write-after-cached-fault, resolved 27 Nov: the probe used to hand the reference one map for both, so
     * one of the two levels read the wrong value).
     */
    private static WalkOutcome evaluate(CpuConfig cpu, PagingControls c, SortedMap<Long, Long> words, long[] pdpte,
            Access a) {
        WalkCase wc = new WalkCase(cpu, c, words, a);
        return c.mode() == PagingMode.PAE && pdpte != null ? ReferenceWalk.evaluate(wc, pdpte)
                : ReferenceWalk.evaluate(wc);
    }

    /** The entry at {@code addr}: 4 bytes in 32-bit paging, else 8. */
    public static long entry(PagingMode mode, LongUnaryOperator readWord, long addr) {
        long word = readWord.applyAsLong(addr & ~7L);
        return mode == PagingMode.LEGACY2 ? (word >>> (8 * (addr & 4))) & 0xFFFFFFFFL : word;
    }
}
