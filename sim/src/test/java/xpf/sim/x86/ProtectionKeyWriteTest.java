package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.fixtures.PagingFixture;

/**
 * §1.1c protection keys on writes (SDM vol. 3 §4.6.2 "Protection Keys"): PKRU/PKRS hold two bits per key, AD at
 * 2i and WD at 2i+1; a write is denied by the WD bit <em>of the page's key</em> only, for a supervisor write only
 * when CR0.WP=1. Also the two decision-table halves (rights rows, key rows) on their own.
 */
class ProtectionKeyWriteTest {
    static final int KEY = 5;
    static final PagingControls PKE = PagingControls.long4(0).withPke(true).withWp(true);
    static final AccessRights.Effective USER_RW = new AccessRights.Effective(true, true, false, KEY);

    static int wd(int key) {
        return 1 << (2 * key + 1);
    }

    static int ad(int key) {
        return 1 << (2 * key);
    }

    @Test
    @DisplayName("1.1c PKE=1: a user write to a key whose AD and WD are clear is allowed (PKRU=0, other keys' bits)")
    void userWriteAllowedByItsKey() {
        Access w = Access.write(0x1000, 3);
        assertThat(AccessRights.check(w, USER_RW, PKE.withPkru(0), true)).isZero();
        assertThat(AccessRights.check(w, USER_RW, PKE.withPkru(wd(KEY + 1) | wd(KEY - 1) | ad(KEY + 1)), true))
                .as("WD/AD of the neighbouring keys").isZero();
        assertThat(AccessRights.check(w, USER_RW, PKE.withPkru(wd(KEY)), true))
                .isEqualTo(PfErrorCode.P | PfErrorCode.PK);
        assertThat(AccessRights.check(Access.read(0x1000, 3), USER_RW, PKE.withPkru(wd(KEY)), true))
                .as("WD does not deny reads").isZero();
    }

    @Test
    @DisplayName("1.1c PKS=1: a supervisor write through WD needs CR0.WP=1; with WP=0 it is allowed")
    void supervisorWriteWd() {
        AccessRights.Effective sup = new AccessRights.Effective(false, true, false, KEY);
        PagingControls pks = PagingControls.long4(0).withPks(true).withPkrs(wd(KEY));
        Access w = Access.write(0x1000, 0);
        assertThat(AccessRights.check(w, sup, pks.withWp(true), true)).isEqualTo(PfErrorCode.P | PfErrorCode.PK);
        assertThat(AccessRights.check(w, sup, pks.withWp(false), true)).isZero();
        assertThat(AccessRights.keyDenies(w, sup, pks.withWp(false), true)).isFalse();
        assertThat(AccessRights.keyDenies(w, sup, pks.withWp(true), true)).isTrue();
        assertThat(AccessRights.keyDenies(w, sup, pks.withPkrs(0).withWp(true), true)).isFalse();
    }

    @Test
    @DisplayName("1.1c the rights rows alone: user write to a read-only page denied, supervisor one only with WP=1")
    void rightsRows() {
        AccessRights.Effective ro = new AccessRights.Effective(true, false, false, 0);
        PagingControls c = PagingControls.long4(0);
        assertThat(AccessRights.rightsDeny(Access.write(0x1000, 3), ro, c, false)).isTrue();
        assertThat(AccessRights.rightsDeny(Access.read(0x1000, 3), ro, c, false)).isFalse();
        assertThat(AccessRights.rightsDeny(Access.write(0x1000, 0), ro, c, true)).as("WP=0").isFalse();
        assertThat(AccessRights.rightsDeny(Access.write(0x1000, 0), ro, c.withWp(true), true)).isTrue();
    }

    @Test
    @DisplayName("1.1c through the MMU: PKE=1, PKRU=0, a user write to a user page succeeds")
    void userWriteThroughMmu() {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map(0x401000, 0x7000, EntryLevel.PTE, PagingFixture.USER_RW | ((long) KEY << 59),
                PagingFixture.UPPER);
        assertThat(f.mmu(f.controls().withPke(true)).translate(new Access(0x401000, AccessKind.WRITE, 3, false,
                false)).ok()).isTrue();
    }
}
