package xpf.conformance.reference;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;

/**
 * §1.1c "Access rights" as decision tables, evaluated only once a translation exists (a present leaf, no reserved
 * bits). A row matches an (access class, access kind, page class) triple and denies when its condition holds; an
 * access is denied if any matching row denies. The protection-key rows are separate because their result also sets
 * the PK error-code bit, whether or not another row denies too (§1.1c notes, §1.1d bit 5).
 */
final class RightsTable {

    /** §1.1c access classes: user = explicit access at CPL 3; supervisor = CPL &lt; 3 or any implicit access. */
    enum Who { USER, SUPERVISOR, ANY }

    /** §1.1c "User-mode address = effU=1; otherwise supervisor-mode address". */
    enum PageClass { USER_PAGE, SUPERVISOR_PAGE, ANY }

    /** Kinds as a bit set. */
    static final int READ = 1;
    static final int WRITE = 2;
    static final int FETCH = 4;
    static final int DATA = READ | WRITE;
    static final int ANY_KIND = READ | WRITE | FETCH;

    /** What a deny condition may look at: the effective rights of §1.1c and the access-time controls. */
    record Facts(boolean effW, boolean effXd, boolean wp, boolean smep, boolean smap, boolean ac, boolean implicit) {
    }

    @FunctionalInterface
    interface Condition {
        boolean denies(Facts f);
    }

    /**
     * The rows of the §1.1c decision table ("Access | effU | Denied iff (any)"), split into one row per condition.
     * The PK column is {@link KeyRow}.
     */
    enum Row {
        // §1.1c "user read/write/fetch | 0 | always (U/S)"
        USER_ACCESS_TO_SUPERVISOR_PAGE(Who.USER, ANY_KIND, PageClass.SUPERVISOR_PAGE, f -> true),
        // §1.1c "user write | 1 | effW=0"
        USER_WRITE_TO_READ_ONLY(Who.USER, WRITE, PageClass.USER_PAGE, f -> !f.effW()),
        // §1.1c "user fetch | 1 | NXE∧effXD", "sup fetch | 0 | NXE∧effXD", "sup fetch | 1 | NXE∧effXD"
        // (effXD is only ever true with NXE=1 outside 32-bit paging, see ReferenceWalk)
        FETCH_FROM_XD(Who.ANY, FETCH, PageClass.ANY, f -> f.effXd()),
        // §1.1c "sup write | 0 | WP∧effW=0" and "sup write | 1 | WP∧effW=0"
        SUPERVISOR_WRITE_TO_READ_ONLY(Who.SUPERVISOR, WRITE, PageClass.ANY, f -> f.wp() && !f.effW()),
        // §1.1c "sup fetch | 1 | SMEP"
        SMEP(Who.SUPERVISOR, FETCH, PageClass.USER_PAGE, f -> f.smep()),
        // §1.1c "sup read | 1 | SMAP∧(implicit ∨ AC=0)" and "sup write | 1 | ... SMAP∧(implicit ∨ AC=0)"
        SMAP(Who.SUPERVISOR, DATA, PageClass.USER_PAGE, f -> f.smap() && (f.implicit() || !f.ac()));

        final Who who;
        final int kinds;
        final PageClass page;
        final Condition condition;

        Row(Who who, int kinds, PageClass page, Condition condition) {
            this.who = who;
            this.kinds = kinds;
            this.page = page;
            this.condition = condition;
        }

        boolean matches(Who w, int kind, PageClass p) {
            return (who == Who.ANY || who == w) && (kinds & kind) != 0 && (page == PageClass.ANY || page == p);
        }
    }

    /**
     * The PK column of §1.1c and bit 5 of §1.1d, one row per key register: only with IA-32e paging (LMA=1), only
     * for data accesses, the key is the leaf's bits 62:59. AD denies any data access; WD denies a write when the
     * access is a user access or CR0.WP=1 ("WD is ignored for supervisor writes when WP=0").
     */
    enum KeyRow {
        // §1.1c "PK: PKE∧LMA∧ADkey" / "PKE∧LMA∧(ADkey ∨ WDkey)" / "(ADkey ∨ (WDkey∧WP))" — user pages, PKRU
        PKU(PageClass.USER_PAGE),
        // §1.1c "PKS∧LMA∧ADkey(PKRS)" / "PKS∧LMA∧(ADkey ∨ (WDkey∧WP))" — supervisor pages, IA32_PKRS
        PKS(PageClass.SUPERVISOR_PAGE);

        final PageClass page;

        KeyRow(PageClass page) {
            this.page = page;
        }

        boolean enabled(PagingControls c) {
            return this == PKU ? c.cr4Pke() : c.cr4Pks();
        }

        int register(PagingControls c) {
            return this == PKU ? c.pkru() : c.pkrs();
        }

        boolean denies(PagingControls c, Who who, int kind, PageClass p, int key) {
            if (page != p || !enabled(c) || (kind & DATA) == 0) {
                return false;
            }
            int reg = register(c);
            boolean ad = (reg >>> (2 * key) & 1) != 0;
            boolean wd = (reg >>> (2 * key + 1) & 1) != 0;
            return ad || (kind == WRITE && wd && (who == Who.USER || c.cr0Wp()));
        }
    }

    /**
     * The verdict: {@code deniedRows} has bit {@code r.ordinal()} set for each {@link Row} that denies;
     * {@code keyDenied} is the protection-key condition (PK error-code bit).
     */
    record Verdict(int deniedRows, boolean keyDenied) {
        boolean denied() {
            return deniedRows != 0 || keyDenied;
        }

        boolean deniedBy(Row r) {
            return (deniedRows & (1 << r.ordinal())) != 0;
        }
    }

    private static final Row[] ROWS = Row.values();
    private static final KeyRow[] KEY_ROWS = KeyRow.values();

    private RightsTable() {
    }

    static Who who(Access a) {
        return a.cpl() == 3 && !a.implicit() ? Who.USER : Who.SUPERVISOR;
    }

    static int kind(AccessKind k) {
        return switch (k) {
            case READ -> READ;
            case WRITE -> WRITE;
            case FETCH -> FETCH;
        };
    }

    /**
     * Judges a completed translation. {@code effU}, {@code effW}, {@code effXd} are the effective rights (§1.1c: AND
     * of U/S, AND of R/W, OR of XD when NXE=1 outside 32-bit paging, over every entry used except PAE PDPTEs);
     * {@code leafKey} is bits 62:59 of the leaf.
     */
    static Verdict judge(PagingControls c, Access a, boolean effU, boolean effW, boolean effXd, int leafKey) {
        Who who = who(a);
        int kind = kind(a.kind());
        PageClass page = effU ? PageClass.USER_PAGE : PageClass.SUPERVISOR_PAGE;
        Facts f = new Facts(effW, effXd, c.cr0Wp(), c.cr4Smep(), c.cr4Smap(), c.eflagsAc(), a.implicit());
        int denied = 0;
        for (Row r : ROWS) {
            if (r.matches(who, kind, page) && r.condition.denies(f)) {
                denied |= 1 << r.ordinal();
            }
        }
        boolean keyDenied = false;
        boolean ia32e = c.mode() == PagingMode.LONG4 || c.mode() == PagingMode.LONG5;   // LMA=1
        if (ia32e) {
            for (KeyRow k : KEY_ROWS) {
                keyDenied |= k.denies(c, who, kind, page, leafKey);
            }
        }
        return new Verdict(denied, keyDenied);
    }
}
