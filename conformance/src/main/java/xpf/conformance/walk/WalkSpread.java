package xpf.conformance.walk;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * Category counts over a run of generated cases, so a test can assert the spread the generator promises: keys are
 * {@code dimension=value} ({@code mode=long4}, {@code outcome=pf-rsvd}, {@code page=2M}, {@code alias=SELF_MAP},
 * {@code stop=long5/PDE/not-present}, ...), counted in a sorted map for a stable rendering.
 */
public final class WalkSpread {

    /** The outcome classes: success and every fault class a single walk can end in. */
    public enum OutcomeClass {
        OK("ok"), PF_NOT_PRESENT("pf-not-present"), PF_RSVD("pf-rsvd"), PF_RIGHTS("pf-rights"), PF_PK("pf-pk"),
        GP_CANONICAL("gp-canonical"), SS_CANONICAL("ss-canonical"), GP_PDPTE("gp-pdpte");

        public final String key;

        OutcomeClass(String key) {
            this.key = key;
        }
    }

    private static final String[][] LEVEL_NAMES = {
        {"PDE", "PTE"}, {"PDPTE", "PDE", "PTE"}, {"PML4E", "PDPTE", "PDE", "PTE"},
        {"PML5E", "PML4E", "PDPTE", "PDE", "PTE"}};

    private final TreeMap<String, Long> counts = new TreeMap<>();
    private long total;

    /** Classifies an outcome of a case (by the outcome's fields, not its free-text note). */
    public static OutcomeClass classify(WalkCase c, WalkOutcome o) {
        if (!o.fault()) {
            return OutcomeClass.OK;
        }
        int v = o.vector();
        if (v == Vectors.SS) {
            return OutcomeClass.SS_CANONICAL;
        }
        if (v == Vectors.GP) {
            return c.controls().mode() == PagingMode.PAE ? OutcomeClass.GP_PDPTE : OutcomeClass.GP_CANONICAL;
        }
        int ec = o.errorCode();
        if ((ec & PfErrorCode.P) == 0) {
            return OutcomeClass.PF_NOT_PRESENT;
        }
        if ((ec & PfErrorCode.RSVD) != 0) {
            return OutcomeClass.PF_RSVD;
        }
        if ((ec & PfErrorCode.PK) != 0) {
            return OutcomeClass.PF_PK;
        }
        return OutcomeClass.PF_RIGHTS;
    }

    public void add(WalkCaseGenerator.GeneratedCase g, WalkOutcome o) {
        WalkCase c = g.walkCase();
        PagingMode mode = c.controls().mode();
        OutcomeClass oc = classify(c, o);
        total++;
        inc("mode=" + mode.wireName());
        inc("outcome=" + oc.key);
        inc("outcome=" + oc.key + "/" + mode.wireName());
        inc("plan=" + g.plannedLeaf());
        inc("alias=" + g.aliasing());
        if (g.aliasing() != WalkCaseGenerator.Aliasing.NONE) {
            inc("alias=" + g.aliasing() + "/" + oc.key);
        }
        for (WalkCaseGenerator.Mutation m : g.mutations()) {
            inc("mutation=" + m);
        }
        inc("maxphyaddr=" + c.cpu().maxPhyAddr());
        inc("vendor=" + c.cpu().vendor().wireName());
        inc("page1gb=" + c.cpu().page1gb());
        inc("access=" + c.access().kind().wireName() + "/cpl" + c.access().cpl()
                + (c.access().implicit() ? "/implicit" : ""));
        var k = c.controls();
        control("cr0_wp", k.cr0Wp());
        control("cr4_pse", k.cr4Pse());
        control("cr4_pge", k.cr4Pge());
        control("cr4_smep", k.cr4Smep());
        control("cr4_smap", k.cr4Smap());
        control("cr4_pke", k.cr4Pke());
        control("cr4_pks", k.cr4Pks());
        control("efer_nxe", k.eferNxe());
        control("eflags_ac", k.eflagsAc());
        if (!o.fault()) {
            inc("page=" + PageSizes.name(o.pageSize()));
            inc("page=" + PageSizes.name(o.pageSize()) + "/" + mode.wireName());
            if (!o.memoryAfter().isEmpty()) {
                inc("ad=written");
            }
        }
        if (oc == OutcomeClass.PF_NOT_PRESENT || oc == OutcomeClass.PF_RSVD) {
            String level = LEVEL_NAMES[mode.ordinal()][o.walk().size() - 1];
            inc("stop=" + mode.wireName() + "/" + level + "/" + (oc == OutcomeClass.PF_RSVD ? "rsvd" : "not-present"));
        }
        if (oc != OutcomeClass.GP_CANONICAL && oc != OutcomeClass.SS_CANONICAL && oc != OutcomeClass.GP_PDPTE) {
            countRights(c, o);
        }
        if (hasRepeatedEntry(o)) {
            inc("walk=repeated-entry");
        }
    }

    /**
     * The U/S, R/W and XD bits of every present entry the walk read, per level ({@code rights=long4/PDE/U1W0X1}); PAE
     * PDPTEs have no rights bits and are skipped. Bit positions only (§1.1a), no walk semantics.
     */
    private void countRights(WalkCase c, WalkOutcome o) {
        PagingMode mode = c.controls().mode();
        String[] names = LEVEL_NAMES[mode.ordinal()];
        for (int i = 0; i < o.walk().size(); i++) {
            if (mode == PagingMode.PAE && i == 0) {
                continue;
            }
            long e = c.memory().getOrDefault(o.walk().get(i), 0L);
            if ((e & 1) == 0) {
                continue;
            }
            inc("rights=" + mode.wireName() + "/" + names[i] + "/U" + (e >>> 2 & 1) + "W" + (e >>> 1 & 1)
                    + "X" + (e >>> 63));
        }
    }

    private static boolean hasRepeatedEntry(WalkOutcome o) {
        var walk = o.walk();
        for (int i = 0; i < walk.size(); i++) {
            for (int j = i + 1; j < walk.size(); j++) {
                if (walk.get(i).equals(walk.get(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void control(String name, boolean on) {
        if (on) {
            inc("ctl=" + name);
        }
    }

    private void inc(String key) {
        counts.merge(key, 1L, Long::sum);
    }

    public long total() {
        return total;
    }

    public long count(String key) {
        return counts.getOrDefault(key, 0L);
    }

    public SortedMap<String, Long> counts() {
        return Collections.unmodifiableSortedMap(counts);
    }

    /** One "key count (percent)" per line. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            sb.append(String.format("%-40s %9d  %5.1f%%%n", e.getKey(), e.getValue(),
                    100.0 * e.getValue() / Math.max(1, total)));
        }
        return sb.toString();
    }
}
