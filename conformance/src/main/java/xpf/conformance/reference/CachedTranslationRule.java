package xpf.conformance.reference;

import xpf.model.x86.Access;
import xpf.model.x86.PagingControls;

/**
 * §1.1c/§1.1d applied to a translation the TLB already holds (x86-paging.md §1.1f): a cached translation carries its
 * effective rights and leaf key, and an access through it is judged by the same rights table as a fresh walk; a
 * denial is a #PF with P=1 (the translation exists). Used by the Xen reference models, whose guests run on TLBs that
 * may be stale.
 */
public final class CachedTranslationRule {

    private CachedTranslationRule() {
    }

    /** The #PF error code the cached rights give {@code a}, or null if they allow it. */
    public static Integer fault(PagingControls c, Access a, boolean effU, boolean effW, boolean effXd, int leafKey) {
        RightsTable.Verdict v = RightsTable.judge(c, a, effU, effW, effXd, leafKey);
        if (!v.denied()) {
            return null;
        }
        return ErrorCodeRule.rights(ErrorCodeRule.accessBits(c, a), v.keyDenied());
    }

    /** The W, U and I bits every #PF of {@code a} carries (§1.1d). */
    public static int accessBits(PagingControls c, Access a) {
        return ErrorCodeRule.accessBits(c, a);
    }
}
