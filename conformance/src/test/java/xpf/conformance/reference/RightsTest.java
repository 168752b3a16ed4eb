package xpf.conformance.reference;

import static xpf.conformance.reference.CaseBuilder.LEGACY_VA;
import static xpf.conformance.reference.CaseBuilder.LONG4_VA;
import static xpf.conformance.reference.CaseBuilder.LONG5_VA;
import static xpf.conformance.reference.CaseBuilder.PAE_VA;
import static xpf.conformance.reference.CaseBuilder.PS;
import static xpf.conformance.reference.CaseBuilder.SRO;
import static xpf.conformance.reference.CaseBuilder.SRW;
import static xpf.conformance.reference.CaseBuilder.URO;
import static xpf.conformance.reference.CaseBuilder.URW;
import static xpf.conformance.reference.CaseBuilder.XD;
import static xpf.conformance.reference.OutcomeAssert.evaluating;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import xpf.model.x86.AccessKind;

/**
 * §1.1c access rights, row by row. Long4 layout unless stated; "user page" = every level U/S=1. Expected error
 * codes: P plus the access bits (W for writes, U for CPL-3 explicit accesses, I for fetches with NXE or SMEP) and
 * PK where the key condition holds.
 */
class RightsTest {

    /** Key 5 in the leaf: PKRU/PKRS AD5 = bit 10, WD5 = bit 11. */
    static final long KEY5 = 5L << 59;
    static final int AD5 = 1 << 10;
    static final int WD5 = 1 << 11;

    private static long entry(int level) {
        return new long[] {0x1008, 0x2010, 0x3018, 0x4020}[level];
    }

    // ---------------------------------------------------------------- U/S

    @ParameterizedTest(name = "1.1c user read/write/fetch, effU=0: U/S=0 at level {0} denies")
    @ValueSource(ints = {0, 1, 2, 3})
    void userToSupervisorPage(int level) {
        CaseBuilder b = CaseBuilder.long4().clear(entry(level), 0x4);
        evaluating(b.read(LONG4_VA, 3)).faultsWith("P|U");
        evaluating(CaseBuilder.long4().clear(entry(level), 0x4).write(LONG4_VA, 3)).faultsWith("P|W|U");
        evaluating(CaseBuilder.long4().clear(entry(level), 0x4).fetch(LONG4_VA, 3)).faultsWith("P|U");
    }

    @Test
    @DisplayName("1.1c user read of a user page is allowed (read-only is fine)")
    void userReadUserPage() {
        evaluating(CaseBuilder.long4(URO, URO, URO, URO).read(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c user fetch of a user page without XD is allowed")
    void userFetchUserPage() {
        evaluating(CaseBuilder.long4().nxe().fetch(LONG4_VA, 3)).succeeds();
    }

    // ---------------------------------------------------------------- R/W

    @ParameterizedTest(name = "1.1c user write, effU=1: R/W=0 at level {0} denies")
    @ValueSource(ints = {0, 1, 2, 3})
    void userWriteReadOnly(int level) {
        evaluating(CaseBuilder.long4().clear(entry(level), 0x2).write(LONG4_VA, 3)).faultsWith("P|W|U");
    }

    @Test
    @DisplayName("1.1c user write to a read-only page is denied even with CR0.WP=0 and WP=1")
    void userWriteIgnoresWp() {
        evaluating(CaseBuilder.long4(URW, URW, URW, URO).write(LONG4_VA, 3)).faultsWith("P|W|U");
        evaluating(CaseBuilder.long4(URW, URW, URW, URO).wp().write(LONG4_VA, 3)).faultsWith("P|W|U");
    }

    @ParameterizedTest(name = "1.1c sup write, CR0.WP=0: R/W=0 at level {0} is ignored (user and supervisor pages)")
    @ValueSource(ints = {0, 1, 2, 3})
    void supervisorWriteWithoutWp(int level) {
        evaluating(CaseBuilder.long4().clear(entry(level), 0x2).write(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4(SRO, SRO, SRO, SRO).write(LONG4_VA, 0)).succeeds();
    }

    @ParameterizedTest(name = "1.1c sup write, CR0.WP=1: R/W=0 at level {0} denies")
    @ValueSource(ints = {0, 1, 2, 3})
    void supervisorWriteWithWp(int level) {
        evaluating(CaseBuilder.long4().wp().clear(entry(level), 0x2).write(LONG4_VA, 0)).faultsWith("P|W");
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).wp().clear(entry(level), 0x2).write(LONG4_VA, 1))
                .faultsWith("P|W");
    }

    @Test
    @DisplayName("1.1c sup write, CR0.WP=1, writable supervisor page is allowed")
    void supervisorWriteWritable() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).wp().write(LONG4_VA, 2)).succeeds();
    }

    // ---------------------------------------------------------------- XD

    @ParameterizedTest(name = "1.1c fetch, NXE=1: XD at level {0} denies (OR over levels), user and supervisor")
    @ValueSource(ints = {0, 1, 2, 3})
    void fetchXd(int level) {
        evaluating(CaseBuilder.long4().nxe().set(entry(level), XD).fetch(LONG4_VA, 3)).faultsWith("P|U|I");
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).nxe().set(entry(level), XD).fetch(LONG4_VA, 0))
                .faultsWith("P|I");
    }

    @Test
    @DisplayName("1.1c XD does not affect reads and writes")
    void xdDataAccess() {
        evaluating(CaseBuilder.long4().nxe().set(0x4020, XD).read(LONG4_VA, 3)).succeeds();
        evaluating(CaseBuilder.long4().nxe().set(0x1008, XD).write(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c pae fetch, NXE=1: XD in the PDE denies; PDPTE contributes no rights")
    void paeXd() {
        evaluating(CaseBuilder.pae().nxe().set(0x3018, XD).fetch(PAE_VA, 0)).faultsWith("P|I");
        // The PDPTE has neither R/W nor U/S (both reserved), yet a user write is allowed.
        evaluating(CaseBuilder.pae().write(PAE_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c pae U/S and R/W are ANDed over PDE and PTE")
    void paeRights() {
        evaluating(CaseBuilder.pae(URO, URW).write(PAE_VA, 3)).faultsWith("P|W|U");
        evaluating(CaseBuilder.pae(URW, SRW).read(PAE_VA, 3)).faultsWith("P|U");
    }

    @Test
    @DisplayName("1.1c legacy2 has no XD: NXE is ignored, fetches are allowed")
    void legacyNoXd() {
        evaluating(CaseBuilder.legacy2().nxe().fetch(LEGACY_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c legacy2 rights: U/S and R/W ANDed over PDE and PTE, WP for supervisor writes")
    void legacyRights() {
        evaluating(CaseBuilder.legacy2(URO, URW).write(LEGACY_VA, 3)).faultsWith("P|W|U");
        evaluating(CaseBuilder.legacy2(SRW, URW).read(LEGACY_VA, 3)).faultsWith("P|U");
        evaluating(CaseBuilder.legacy2(URW, URO).write(LEGACY_VA, 0)).succeeds();
        evaluating(CaseBuilder.legacy2(URW, URO).wp().write(LEGACY_VA, 0)).faultsWith("P|W");
    }

    @Test
    @DisplayName("1.1c legacy2 4M page: rights from the PDE alone")
    void legacy4MRights() {
        evaluating(CaseBuilder.legacy2().pse().mem(0x100C, 0x0080_0000L | PS | URO).write(LEGACY_VA, 3))
                .faultsWith("P|W|U");
    }

    // ---------------------------------------------------------------- SMEP

    @Test
    @DisplayName("1.1c sup fetch, effU=1: SMEP denies")
    void smepDenies() {
        evaluating(CaseBuilder.long4().smep().fetch(LONG4_VA, 0)).faultsWith("P|I");
    }

    @Test
    @DisplayName("1.1c SMEP with CR0.WP=0 still denies a supervisor fetch from a user page")
    void smepWithoutWp() {
        evaluating(CaseBuilder.long4(URW, URW, URW, URO).smep().fetch(LONG4_VA, 1)).faultsWith("P|I");
    }

    @Test
    @DisplayName("1.1c SMEP: a page with U/S=0 at any level is a supervisor page, fetch allowed")
    void smepSupervisorPage() {
        evaluating(CaseBuilder.long4(URW, SRW, URW, URW).smep().fetch(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c SMEP affects neither user fetches nor supervisor data accesses")
    void smepScope() {
        evaluating(CaseBuilder.long4().smep().fetch(LONG4_VA, 3)).succeeds();
        evaluating(CaseBuilder.long4().smep().read(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4().smep().write(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c SMEP in legacy2 and pae")
    void smepOtherModes() {
        evaluating(CaseBuilder.legacy2().smep().fetch(LEGACY_VA, 0)).faultsWith("P|I");
        evaluating(CaseBuilder.pae().smep().fetch(PAE_VA, 0)).faultsWith("P|I");
    }

    // ---------------------------------------------------------------- SMAP

    @Test
    @DisplayName("1.1c sup read/write, effU=1: SMAP with AC=0 denies")
    void smapDenies() {
        evaluating(CaseBuilder.long4().smap().read(LONG4_VA, 0)).faultsWith("P");
        evaluating(CaseBuilder.long4().smap().write(LONG4_VA, 2)).faultsWith("P|W");
    }

    @Test
    @DisplayName("1.1c SMAP: AC=1 allows an explicit supervisor access")
    void smapAc() {
        evaluating(CaseBuilder.long4().smap().ac().read(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4().smap().ac().write(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c SMAP: an implicit access is denied whatever AC (at CPL 3 too, with U=0)")
    void smapImplicit() {
        evaluating(CaseBuilder.long4().smap().ac().implicit(AccessKind.READ, LONG4_VA, 0)).faultsWith("P")
                .note(null);
        evaluating(CaseBuilder.long4().smap().ac().implicit(AccessKind.WRITE, LONG4_VA, 3)).faultsWith("P|W");
    }

    @Test
    @DisplayName("1.1c SMAP implicit denial on AMD carries the erratum 1053 note (walk-service step 8)")
    void smapImplicitAmdNote() {
        evaluating(CaseBuilder.long4().amd().smap().implicit(AccessKind.READ, LONG4_VA, 3)).faultsWith("P")
                .note(ReferenceWalk.NOTE_AMD_SMAP);
        evaluating(CaseBuilder.long4().amd().smap().read(LONG4_VA, 0)).faultsWith("P").note(null);
    }

    @Test
    @DisplayName("1.1c SMAP affects neither user accesses, fetches, nor supervisor pages")
    void smapScope() {
        evaluating(CaseBuilder.long4().smap().read(LONG4_VA, 3)).succeeds();
        evaluating(CaseBuilder.long4().smap().fetch(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4(URW, URW, SRW, URW).smap().read(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c SMAP in legacy2 and pae")
    void smapOtherModes() {
        evaluating(CaseBuilder.legacy2().smap().read(LEGACY_VA, 0)).faultsWith("P");
        evaluating(CaseBuilder.pae().smap().write(PAE_VA, 0)).faultsWith("P|W");
    }

    // ---------------------------------------------------------------- access classes

    @Test
    @DisplayName("1.1c an implicit access at CPL 3 is a supervisor access: may read a supervisor page")
    void implicitIsSupervisor() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRO).implicit(AccessKind.READ, LONG4_VA, 3)).succeeds();
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRO).wp().implicit(AccessKind.WRITE, LONG4_VA, 3))
                .faultsWith("P|W");
    }

    @ParameterizedTest(name = "1.1c CPL {0} is a supervisor access")
    @ValueSource(ints = {0, 1, 2})
    void cplBelow3IsSupervisor(int cpl) {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRO).write(LONG4_VA, cpl)).succeeds();
    }

    // ---------------------------------------------------------------- protection keys, PKRU

    @Test
    @DisplayName("1.1c PKU: AD of the leaf key denies a user read (PK)")
    void pkuAdUserRead() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(AD5).read(LONG4_VA, 3)).faultsWith("P|U|PK");
    }

    @Test
    @DisplayName("1.1c PKU: AD denies a supervisor read of a user page (PK)")
    void pkuAdSupervisorRead() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(AD5).read(LONG4_VA, 0)).faultsWith("P|PK");
    }

    @Test
    @DisplayName("1.1c PKU: WD denies a user write, allows a user read")
    void pkuWdUser() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(WD5).write(LONG4_VA, 3)).faultsWith("P|W|U|PK");
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(WD5).read(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: WD denies a user write even with CR0.WP=0")
    void pkuWdUserWithoutWp() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(WD5).write(LONG4_VA, 3)).faultsWith("P|W|U|PK");
    }

    @Test
    @DisplayName("1.1c PKU: WD denies a supervisor write to a user page only when CR0.WP=1")
    void pkuWdSupervisor() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(WD5).wp().write(LONG4_VA, 0)).faultsWith("P|W|PK");
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(WD5).write(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: never applies to fetches")
    void pkuNotFetch() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(AD5 | WD5).fetch(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: needs CR4.PKE")
    void pkuNeedsPke() {
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pkru(AD5 | WD5).write(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: supervisor pages ignore PKRU")
    void pkuOnlyUserPages() {
        evaluating(CaseBuilder.long4(URW, URW, URW, SRW).set(0x4020, KEY5).pke(AD5 | WD5).wp().write(LONG4_VA, 0))
                .succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: the key is leaf-only; key bits in non-leaf entries are ignored")
    void pkuLeafOnly() {
        // PDE carries key 5 (AD5 set), the leaf has key 0 (AD0/WD0 clear).
        evaluating(CaseBuilder.long4().set(0x3018, KEY5).pke(AD5).read(LONG4_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKU: key of a 2M and a 1G leaf")
    void pkuLargeLeaves() {
        evaluating(CaseBuilder.long4().mem(0x3018, 0x20_0000L | PS | URW | KEY5).pke(AD5).read(LONG4_VA, 3))
                .faultsWith("P|U|PK");
        evaluating(CaseBuilder.long4().mem(0x2010, 0x4000_0000L | PS | URW | KEY5).pke(AD5).read(LONG4_VA, 3))
                .faultsWith("P|U|PK");
    }

    @Test
    @DisplayName("1.1c PKU in long5")
    void pkuLong5() {
        evaluating(CaseBuilder.long5().set(0x4020, KEY5).pke(WD5).write(LONG5_VA, 3)).faultsWith("P|W|U|PK");
    }

    @Test
    @DisplayName("1.1c PK only with IA-32e paging: pae and legacy2 ignore PKRU and PKRS")
    void pkNotOutsideLongMode() {
        // Leaf key is 0 in these modes (bits 62:59 do not exist / are reserved); AD0 and WD0 set.
        evaluating(CaseBuilder.pae().pke(0x3).write(PAE_VA, 3)).succeeds();
        evaluating(CaseBuilder.pae(SRW, SRW).pks(0x3).wp().write(PAE_VA, 0)).succeeds();
        evaluating(CaseBuilder.legacy2().pke(0x3).write(LEGACY_VA, 3)).succeeds();
    }

    @Test
    @DisplayName("1.1c PK is set even when R/W also denies (user write, R/W=0, WD)")
    void pkWithOtherDenial() {
        evaluating(CaseBuilder.long4(URW, URW, URW, URO).set(0x4020, KEY5).pke(WD5).write(LONG4_VA, 3))
                .faultsWith("P|W|U|PK");
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pke(AD5).smap().read(LONG4_VA, 0)).faultsWith("P|PK");
    }

    @Test
    @DisplayName("1.1c key i uses PKRU bits 2i and 2i+1 (key 15: bits 30, 31)")
    void pkuKey15() {
        long key15 = 15L << 59;
        evaluating(CaseBuilder.long4().set(0x4020, key15).pke(1 << 30).read(LONG4_VA, 3)).faultsWith("P|U|PK");
        evaluating(CaseBuilder.long4().set(0x4020, key15).pke(1 << 31).write(LONG4_VA, 3)).faultsWith("P|W|U|PK");
        evaluating(CaseBuilder.long4().set(0x4020, key15).pke(~(3 << 30)).write(LONG4_VA, 3)).succeeds();
    }

    // ---------------------------------------------------------------- protection keys, PKRS

    @Test
    @DisplayName("1.1c PKS: AD denies a supervisor read of a supervisor page (PK)")
    void pksAd() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(AD5).read(LONG4_VA, 0))
                .faultsWith("P|PK");
    }

    @Test
    @DisplayName("1.1c PKS: WD denies a supervisor write only when CR0.WP=1")
    void pksWd() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(WD5).wp().write(LONG4_VA, 0))
                .faultsWith("P|W|PK");
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(WD5).write(LONG4_VA, 0))
                .succeeds();
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(WD5).wp().read(LONG4_VA, 0))
                .succeeds();
    }

    @Test
    @DisplayName("1.1c PKS: needs CR4.PKS, ignores user pages and fetches")
    void pksScope() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pkrs(AD5).read(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4().set(0x4020, KEY5).pks(AD5).read(LONG4_VA, 0)).succeeds();
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(AD5).fetch(LONG4_VA, 0)).succeeds();
    }

    @Test
    @DisplayName("1.1c PKS: a user access to a supervisor page with AD or WD+write gets PK as well as U/S")
    void pksUserAccess() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(AD5).read(LONG4_VA, 3))
                .faultsWith("P|U|PK");
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(WD5).write(LONG4_VA, 3))
                .faultsWith("P|W|U|PK");
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pks(WD5).read(LONG4_VA, 3))
                .faultsWith("P|U");
    }

    @Test
    @DisplayName("1.1c PKS and PKU use separate registers")
    void pksSeparateRegister() {
        evaluating(CaseBuilder.long4(SRW, SRW, SRW, SRW).set(0x4020, KEY5).pke(AD5).pks(0).read(LONG4_VA, 0))
                .succeeds();
    }

    @Test
    @DisplayName("1.1c the vendor does not change the rights (AMD = Intel outside the SMAP note)")
    void vendorNeutral() {
        evaluating(CaseBuilder.long4().amd().smep().fetch(LONG4_VA, 0)).faultsWith("P|I");
        evaluating(CaseBuilder.long4().amd().smap().ac().read(LONG4_VA, 0)).succeeds();
    }
}
