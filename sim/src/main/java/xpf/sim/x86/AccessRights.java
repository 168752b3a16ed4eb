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
        return check(a, e.user(), e.writable(), e.executeDisable(), e.pkey(), c, ia32e);
    }

    /** {@link #check(Access, Effective, PagingControls, boolean)} with the effective rights as plain values. */
    public static int check(Access a, boolean user, boolean writable, boolean executeDisable, int pkey,
            PagingControls c, boolean ia32e) {
        boolean supervisor = !a.userMode();
        boolean pkDenied = ia32e && keyDenies(a, user, pkey, c, supervisor);
        boolean denied = pkDenied || rightsDeny(a, user, writable, executeDisable, c, supervisor);
        if (!denied) {
            return 0;
        }
        return PfErrorCode.P | (pkDenied ? PfErrorCode.PK : 0);
    }

    /** The non-key rows of the §1.1c decision table. */
    static boolean rightsDeny(Access a, Effective e, PagingControls c, boolean supervisor) {
        return rightsDeny(a, e.user(), e.writable(), e.executeDisable(), c, supervisor);
    }

    private static boolean rightsDeny(Access a, boolean user, boolean writable, boolean executeDisable,
            PagingControls c, boolean supervisor) {
        AccessKind k = a.kind();
        if (!supervisor) {
            if (!user) {
                return true; // user access to a supervisor page: always
            }
            if (k == AccessKind.WRITE && !writable) {
                return true;
            }
            return k == AccessKind.FETCH && executeDisable;
        }
        if (k == AccessKind.FETCH) {
            return executeDisable || (user && c.cr4Smep());
        }
        if (k == AccessKind.WRITE && !writable && c.cr0Wp()) {
            return true;
        }
        // SMAP: supervisor data access to a user page, unless explicit with EFLAGS.AC=1.
        return user && c.cr4Smap() && (a.implicit() || !c.eflagsAc());
    }

    /**
     * Protection keys (IA-32e only, data accesses only): PKRU governs user pages when CR4.PKE=1, PKRS supervisor pages
     * when CR4.PKS=1. AD denies any data access; WD denies writes, except supervisor writes with CR0.WP=0.
     */
    static boolean keyDenies(Access a, Effective e, PagingControls c, boolean supervisor) {
        return keyDenies(a, e.user(), e.pkey(), c, supervisor);
    }

    private static boolean keyDenies(Access a, boolean user, int pkey, PagingControls c, boolean supervisor) {
        if (a.kind() == AccessKind.FETCH) {
            return false;
        }
        int reg;
        if (user) {
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
        boolean ad = ((reg >>> (2 * pkey)) & 1) != 0;
        boolean wd = ((reg >>> (2 * pkey + 1)) & 1) != 0;
        if (ad) {
            return true;
        }
        return a.kind() == AccessKind.WRITE && wd && (!supervisor || c.cr0Wp());
    }
}
