package xpf.sim.x86;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PfErrorCode;

/**
 * The access-rights decision of x86-paging.md §1.1c, applied to a completed translation. The controls are read at
 * access time (§1.1f: CR0.WP, SMEP, SMAP, AC and PKRU/PKRS apply to cached translations too).
 */
@Rule("1.1c")
public final class AccessRights {

    /** The effective rights of a translation: AND of U/S and R/W, OR of XD over the entries used. */
    public record Effective(boolean user, boolean writable, boolean executeDisable, int pkey) {
    }

    private AccessRights() {
    }

    /**
     * @return 0 if the access is allowed; otherwise the error-code bits the rights contribute beyond the base code:
     *         {@link PfErrorCode#P} for any rights violation, plus {@link PfErrorCode#PK} when the protection-key
     *         condition holds (set even if another right also denies, §1.1c note on PK).
     */
    public static int check(Access a, Effective e, PagingControls c, boolean ia32e) {
        boolean supervisor = !a.userMode();
        boolean pkDenied = ia32e && keyDenies(a, e, c, supervisor);
        boolean denied = pkDenied || rightsDeny(a, e, c, supervisor);
        if (!denied) {
            return 0;
        }
        return PfErrorCode.P | (pkDenied ? PfErrorCode.PK : 0);
    }

    /** The non-key rows of the §1.1c decision table. */
    static boolean rightsDeny(Access a, Effective e, PagingControls c, boolean supervisor) {
        AccessKind k = a.kind();
        if (!supervisor) {
            if (!e.user()) {
                return true; // user access to a supervisor page: always
            }
            if (k == AccessKind.WRITE && !e.writable()) {
                return true;
            }
            return k == AccessKind.FETCH && e.executeDisable();
        }
        if (k == AccessKind.FETCH) {
            return e.executeDisable() || (e.user() && c.cr4Smep());
        }
        if (k == AccessKind.WRITE && !e.writable() && c.cr0Wp()) {
            return true;
        }
        // SMAP: supervisor data access to a user page, unless explicit with EFLAGS.AC=1.
        return e.user() && c.cr4Smap() && (a.implicit() || !c.eflagsAc());
    }

    /**
     * Protection keys (IA-32e only, data accesses only): PKRU governs user pages when CR4.PKE=1, PKRS supervisor pages
     * when CR4.PKS=1. AD denies any data access; WD denies writes, except supervisor writes with CR0.WP=0.
     */
    static boolean keyDenies(Access a, Effective e, PagingControls c, boolean supervisor) {
        if (a.kind() == AccessKind.FETCH) {
            return false;
        }
        int reg;
        if (e.user()) {
            if (!c.cr4Pke()) {
                return false;
            }
            reg = c.pkru();
        } else {
            if (!c.cr4Pks()) {
                return false;
            }
            reg = c.pkrs();
        }
        boolean ad = ((reg >>> (2 * e.pkey())) & 1) != 0;
        boolean wd = ((reg >>> (2 * e.pkey() + 1)) & 1) != 0;
        if (ad) {
            return true;
        }
        return a.kind() == AccessKind.WRITE && wd && (!supervisor || c.cr0Wp());
    }
}
