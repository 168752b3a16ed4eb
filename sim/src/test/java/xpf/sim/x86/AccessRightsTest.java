package xpf.sim.x86;

import static xpf.model.x86.PfErrorCode.I;
import static xpf.model.x86.PfErrorCode.P;
import static xpf.model.x86.PfErrorCode.PK;
import static xpf.model.x86.PfErrorCode.U;
import static xpf.model.x86.PfErrorCode.W;
import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1c: the access-rights decision table, one test per row, and the notes under it. */
class AccessRightsTest {
    static final long VA = 0x00401234L;
    static final long USER = EntryBits.P | EntryBits.US;
    static final long USER_RW = USER | EntryBits.RW;
    static final long SUP = EntryBits.P;
    static final long SUP_RW = SUP | EntryBits.RW;
    static final int KEY = 5;

    /** A 4-level mapping of VA with the given leaf flags, upper levels user+RW, leaf key {@link #KEY}. */
    private static PagingFixture leaf(long leafFlags) {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, leafFlags | ((long) KEY << EntryBits.PKEY_SHIFT), PagingFixture.UPPER);
        return f;
    }

    private static Mmu.Result go(PagingFixture f, PagingControls c, AccessKind k, int cpl) {
        return f.mmu(c).translate(new Access(VA, k, cpl, false, false));
    }

    private static PagingControls base(PagingFixture f) {
        return f.controls().withWp(true).withNxe(true);
    }

    private static int ad(int key) {
        return 1 << (2 * key);
    }

    private static int wd(int key) {
        return 1 << (2 * key + 1);
    }

    @Test
    @DisplayName("1.1c user read, user page: denied only by PKRU.AD with CR4.PKE")
    void userReadUserPage() {
        PagingFixture f = leaf(USER);
        assertThat(go(f, base(f), AccessKind.READ, 3)).isOk();
        assertThat(go(f, base(f).withPke(true).withPkru(ad(KEY)), AccessKind.READ, 3)).isPageFault(P | U | PK);
        assertThat(go(f, base(f).withPkru(ad(KEY)), AccessKind.READ, 3)).as("PKE off").isOk();
        assertThat(go(f, base(f).withPke(true).withPkru(ad(KEY + 1)), AccessKind.READ, 3)).as("other key").isOk();
    }

    @Test
    @DisplayName("1.1c user read/write/fetch, supervisor page: always denied")
    void userOnSupervisorPage() {
        PagingFixture f = leaf(SUP_RW);
        assertThat(go(f, base(f), AccessKind.READ, 3)).isPageFault(P | U);
        assertThat(go(f, base(f), AccessKind.WRITE, 3)).isPageFault(P | W | U);
        assertThat(go(f, base(f), AccessKind.FETCH, 3)).isPageFault(P | U | I);
    }

    @Test
    @DisplayName("1.1c user write, user page: denied if R/W=0; PKRU WD adds PK")
    void userWrite() {
        PagingFixture ro = leaf(USER);
        assertThat(go(ro, base(ro), AccessKind.WRITE, 3)).isPageFault(P | W | U);
        PagingFixture rw = leaf(USER_RW);
        assertThat(go(rw, base(rw), AccessKind.WRITE, 3)).isOk();
        assertThat(go(rw, base(rw).withPke(true).withPkru(wd(KEY)), AccessKind.WRITE, 3)).isPageFault(P | W | U | PK);
        assertThat(go(rw, base(rw).withPke(true).withPkru(wd(KEY)).withWp(false), AccessKind.WRITE, 3))
                .as("WP=0 never relaxes user writes").isPageFault(P | W | U | PK);
    }

    @Test
    @DisplayName("1.1c user fetch, user page: denied iff NXE and XD")
    void userFetch() {
        PagingFixture f = leaf(USER | EntryBits.XD);
        assertThat(go(f, base(f), AccessKind.FETCH, 3)).isPageFault(P | U | I);
        PagingFixture x = leaf(USER);
        assertThat(go(x, base(x), AccessKind.FETCH, 3)).isOk();
        assertThat(go(x, base(x).withPke(true).withPkru(ad(KEY)), AccessKind.FETCH, 3))
                .as("keys never apply to fetches").isOk();
    }

    @Test
    @DisplayName("1.1c supervisor read, supervisor page: denied only by PKRS.AD with CR4.PKS")
    void supReadSupPage() {
        PagingFixture f = leaf(SUP);
        assertThat(go(f, base(f), AccessKind.READ, 0)).isOk();
        assertThat(go(f, base(f).withPks(true).withPkrs(ad(KEY)), AccessKind.READ, 0)).isPageFault(P | PK);
        assertThat(go(f, base(f).withPke(true).withPkru(ad(KEY)), AccessKind.READ, 0)).as("PKRU is for user pages")
                .isOk();
    }

    @Test
    @DisplayName("1.1c supervisor read, user page: SMAP unless explicit with AC=1; PKRU AD")
    void supReadUserPage() {
        PagingFixture f = leaf(USER);
        assertThat(go(f, base(f), AccessKind.READ, 0)).isOk();
        assertThat(go(f, base(f).withSmap(true), AccessKind.READ, 0)).isPageFault(P);
        assertThat(go(f, base(f).withSmap(true).withAc(true), AccessKind.READ, 0)).isOk();
        assertThat(f.mmu(base(f).withSmap(true).withAc(true)).translate(new Access(VA, AccessKind.READ, 3, true, false)))
                .as("implicit supervisor access at CPL3 ignores AC").isPageFault(P);
        assertThat(go(f, base(f).withPke(true).withPkru(ad(KEY)), AccessKind.READ, 0)).isPageFault(P | PK);
    }

    @Test
    @DisplayName("1.1c supervisor write, supervisor page: WP and R/W=0; PKRS WD only with WP=1")
    void supWriteSupPage() {
        PagingFixture ro = leaf(SUP);
        assertThat(go(ro, base(ro), AccessKind.WRITE, 0)).isPageFault(P | W);
        assertThat(go(ro, base(ro).withWp(false), AccessKind.WRITE, 0)).isOk();
        PagingFixture rw = leaf(SUP_RW);
        assertThat(go(rw, base(rw).withPks(true).withPkrs(wd(KEY)), AccessKind.WRITE, 0)).isPageFault(P | W | PK);
        assertThat(go(rw, base(rw).withPks(true).withPkrs(wd(KEY)).withWp(false), AccessKind.WRITE, 0))
                .as("WD ignored for supervisor writes when WP=0").isOk();
        assertThat(go(rw, base(rw).withPks(true).withPkrs(ad(KEY)).withWp(false), AccessKind.WRITE, 0))
                .as("AD still applies with WP=0").isPageFault(P | W | PK);
    }

    @Test
    @DisplayName("1.1c supervisor write, user page: WP and R/W=0; SMAP; PKRU")
    void supWriteUserPage() {
        PagingFixture ro = leaf(USER);
        assertThat(go(ro, base(ro), AccessKind.WRITE, 0)).isPageFault(P | W);
        assertThat(go(ro, base(ro).withWp(false), AccessKind.WRITE, 0)).isOk();
        PagingFixture rw = leaf(USER_RW);
        assertThat(go(rw, base(rw).withSmap(true), AccessKind.WRITE, 0)).isPageFault(P | W);
        assertThat(go(rw, base(rw).withSmap(true).withAc(true), AccessKind.WRITE, 0)).isOk();
        assertThat(go(rw, base(rw).withPke(true).withPkru(wd(KEY)), AccessKind.WRITE, 0)).isPageFault(P | W | PK);
    }

    @Test
    @DisplayName("1.1c supervisor fetch, supervisor page: denied iff NXE and XD")
    void supFetchSupPage() {
        PagingFixture f = leaf(SUP | EntryBits.XD);
        assertThat(go(f, base(f), AccessKind.FETCH, 0)).isPageFault(P | I);
        PagingFixture x = leaf(SUP);
        assertThat(go(x, base(x).withSmep(true), AccessKind.FETCH, 0)).isOk();
    }

    @Test
    @DisplayName("1.1c supervisor fetch, user page: XD; SMEP")
    void supFetchUserPage() {
        PagingFixture f = leaf(USER);
        assertThat(go(f, base(f), AccessKind.FETCH, 0)).isOk();
        assertThat(go(f, base(f).withSmep(true), AccessKind.FETCH, 0)).isPageFault(P | I);
        assertThat(go(f, base(f).withSmap(true), AccessKind.FETCH, 0)).as("SMAP never affects fetches").isOk();
    }

    @Test
    @DisplayName("1.1c effective U/S and R/W are ANDed over levels; XD is ORed")
    void accumulation() {
        PagingFixture f = leaf(USER_RW);
        f.clearBits(VA, EntryLevel.PDPTE, EntryBits.US);
        assertThat(go(f, base(f), AccessKind.READ, 3)).as("U/S=0 at the PDPTE makes a supervisor page")
                .isPageFault(P | U);
        PagingFixture g = leaf(USER_RW);
        g.clearBits(VA, EntryLevel.PML4E, EntryBits.RW);
        assertThat(go(g, base(g), AccessKind.WRITE, 3)).isPageFault(P | W | U);
        PagingFixture h = leaf(USER_RW);
        h.setBits(VA, EntryLevel.PDE, EntryBits.XD);
        assertThat(go(h, base(h), AccessKind.FETCH, 3)).isPageFault(P | U | I);
    }

    @Test
    @DisplayName("1.1c PK is set whenever the key condition holds, even if U/S or R/W also deny")
    void pkAlongsideOtherDenials() {
        PagingFixture f = leaf(USER);
        assertThat(go(f, base(f).withPke(true).withPkru(wd(KEY)), AccessKind.WRITE, 3)).isPageFault(P | W | U | PK);
    }

    @Test
    @DisplayName("1.1c protection keys apply only with IA-32e paging (not in PAE)")
    void keysOnlyInIa32e() {
        PagingFixture f = PagingFixture.of(PagingMode.PAE);
        f.map(VA, 0x7000, EntryLevel.PTE, USER_RW, PagingFixture.UPPER);
        PagingControls c = f.controls().withNxe(true).withPke(true).withPkru(-1);
        assertThat(f.mmu(c).translate(Access.write(VA, 3))).isOk();
    }

    @Test
    @DisplayName("1.1c the protection key is leaf-only: key bits of upper entries are ignored")
    void keyIsLeafOnly() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(VA, 0x7000, EntryLevel.PTE, USER_RW, PagingFixture.UPPER);
        f.setBits(VA, EntryLevel.PDE, (long) KEY << EntryBits.PKEY_SHIFT);
        PagingControls c = base(f).withPke(true).withPkru(ad(KEY));
        assertThat(go(f, c, AccessKind.READ, 3)).isOk();
        assertThat(go(f, c.withPkru(ad(0)), AccessKind.READ, 3)).as("leaf key is 0").isPageFault(P | U | PK);
    }

    @Test
    @DisplayName("1.1c NXE=0: the XD bit is reserved, so it never produces a permission fault")
    void xdWithoutNxeIsReserved() {
        PagingFixture f = leaf(USER | EntryBits.XD);
        assertThat(go(f, base(f).withNxe(false), AccessKind.FETCH, 3))
                .isPageFault(P | U | xpf.model.x86.PfErrorCode.RSVD);
    }

    @Test
    @DisplayName("1.1c legacy2: no XD at all; SMEP and SMAP still apply")
    void legacy2Rights() {
        PagingFixture f = PagingFixture.of(PagingMode.LEGACY2);
        f.map(VA, 0x7000, EntryLevel.PTE, USER, PagingFixture.UPPER);
        PagingControls c = f.controls().withNxe(true).withWp(true);
        assertThat(f.mmu(c).translate(Access.fetch(VA, 3))).isOk();
        assertThat(f.mmu(c.withSmep(true)).translate(Access.fetch(VA, 0))).isPageFault(P | I);
        assertThat(f.mmu(c.withSmap(true)).translate(Access.read(VA, 0))).isPageFault(P);
    }
}
