package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;
import static xpf.sim.xen.hvm.ShPageFaultTest.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.xen.mm.shadow.ShadowL1e;
import xpf.sim.xen.mm.shadow.ShadowMagic;
import xpf.sim.xen.mm.shadow.ShadowTables;

/**
 * The checker behind "the shadow never grants more than guest ∧ p2m" and "no writable mapping of a shadowed page
 * table" (xen-hvm-fault-path.md §3.3), which every HVM property and corpus run asserts after each step: each rule
 * must report a shadow entry that breaks it, and only that one. The entries are planted into a real domain's shadow.
 */
class ShadowInvariantCheckTest {

    static final long ROOT = 0x1000L << 12;
    static final long KERNEL_VA = 0x401000;
    static final long NX_VA = 0x402000;
    static final long NO_A_VA = 0x403000;
    static final long CLEAN_VA = 0x404000;
    static final long RO_VA = 0x405000;
    static final long UNMAPPED_VA = 0x480000;

    /** Data mapped user RW, and neighbours mapped kernel-only, NX, without A, without D, read-only. */
    static HvmDomain domain() {
        ScenarioRunner.Run r = svm().frame("k", 0x1011).frame("x", 0x1012).frame("a", 0x1013).frame("c", 0x1014)
                .frame("ro", 0x1015).map(DATA_VA, "data", USER_RW).map(KERNEL_VA, "k", KERNEL_RW)
                .map(NX_VA, "x", USER_RW | NX).map(NO_A_VA, "a", P | RW | US | D).map(CLEAN_VA, "c", P | RW | US | A)
                .map(RO_VA, "ro", P | US | A | D).mapGfn(DEV_VA, DEV_GFN, USER_RW).device("d", "regs", DEV_GFN)
                .run(step(read(DATA_VA)));
        HvmDomain d = dom(r);
        assertThat(d.checkInvariants()).as("the honest shadow").isEmpty();
        return d;
    }

    static ShadowL1e plant(HvmDomain d, long va, long gfn, long flags) {
        long mfn = mfnOf(d, gfn);
        ShadowL1e s = new ShadowL1e(va >>> 12, (mfn << 12) | flags, gfn, mfn, 0, List.of(), List.of(), false);
        d.shadow().tables().set(ROOT, s);
        return s;
    }

    static List<String> violations(HvmDomain d) {
        return d.checkInvariants();
    }

    @Test
    @DisplayName("rights the guest grants, on RAM, are no violation: P|RW|US|A|D on a user RW page")
    void honestEntries() {
        HvmDomain d = domain();
        plant(d, DATA_VA, 0x1010, P | RW | US | A | D);
        plant(d, KERNEL_VA, 0x1011, P | RW | A | D);
        plant(d, NX_VA, 0x1012, P | US | A | NX);
        plant(d, CLEAN_VA, 0x1014, P | US | A);
        plant(d, RO_VA, 0x1015, P | US | A);
        plant(d, UNMAPPED_VA, 0x1010, US | RW); // not present: nothing to check
        d.shadow().tables().set(ROOT, new ShadowL1e(0x490, ShadowMagic.GNP, -1, -1, 0, List.of(), List.of(),
                false)); // gnp where the guest maps nothing: right
        assertThat(violations(d)).isEmpty();
    }

    @Test
    @DisplayName("U granted on a supervisor page")
    void userOnSupervisor() {
        HvmDomain d = domain();
        plant(d, KERNEL_VA, 0x1011, P | US | A);
        assertThat(violations(d)).singleElement().asString().contains("va 0x401000").contains("grants U");
    }

    @Test
    @DisplayName("RW granted on a read-only guest page, or on a writable one whose D is clear")
    void rwBeyondGuest() {
        HvmDomain d = domain();
        plant(d, RO_VA, 0x1015, P | RW | US | A | D);
        assertThat(violations(d)).singleElement().asString().contains("va 0x405000").contains("grants RW");
        HvmDomain d2 = domain();
        plant(d2, CLEAN_VA, 0x1014, P | RW | US | A | D);
        assertThat(violations(d2)).singleElement().asString().contains("va 0x404000")
                .contains("(or D is clear)");
    }

    @Test
    @DisplayName("execution allowed where the guest has NX")
    void executeBeyondGuest() {
        HvmDomain d = domain();
        plant(d, NX_VA, 0x1012, P | US | A);
        assertThat(violations(d)).singleElement().asString().contains("va 0x402000")
                .contains("allows execution, the guest has NX");
    }

    @Test
    @DisplayName("present while the guest entry's A is clear (the first access must fault so Xen sets A)")
    void accessedClear() {
        HvmDomain d = domain();
        plant(d, NO_A_VA, 0x1013, P | US | A);
        assertThat(violations(d)).singleElement().asString().contains("va 0x403000").contains("A clear");
    }

    @Test
    @DisplayName("a frame other than the p2m's, by the bookkeeping or by the entry's address bits")
    void wrongFrame() {
        HvmDomain d = domain();
        long other = mfnOf(d, 0x1011);
        d.shadow().tables().set(ROOT, new ShadowL1e(DATA_VA >>> 12, (other << 12) | P | US | A, 0x1010, other, 0,
                List.of(), List.of(), false));
        assertThat(violations(d)).singleElement().asString().contains("va 0x400000")
                .contains("shadow maps mfn 0x" + Long.toHexString(other))
                .contains("p2m says 0x" + Long.toHexString(mfnOf(d, 0x1010)));
        HvmDomain d2 = domain();
        long right = mfnOf(d2, 0x1010);
        d2.shadow().tables().set(ROOT, new ShadowL1e(DATA_VA >>> 12, (other << 12) | P | US | A, 0x1010, right, 0,
                List.of(), List.of(), false));
        assertThat(violations(d2)).as("address bits disagree with the bookkeeping").singleElement().asString()
                .contains("shadow maps mfn");
    }

    @Test
    @DisplayName("RW on a read-only p2m type (log-dirty), and a writable mapping of a shadowed page table")
    void rwOnReadOnlyTypeOrPageTable() {
        HvmDomain d = domain();
        d.p2m().changeTypeOne(0x1010, xpf.sim.xen.mm.p2m.P2mType.RAM_RW, xpf.sim.xen.mm.p2m.P2mType.RAM_LOGDIRTY);
        plant(d, DATA_VA, 0x1010, P | RW | US | A | D);
        assertThat(violations(d)).singleElement().asString().contains("read-only p2m type ram_logdirty");
        HvmDomain d2 = domain();
        plant(d2, DATA_VA, 0x1010, P | RW | US | A | D);
        d2.shadow().tables().promote(mfnOf(d2, 0x1010), 1);
        assertThat(violations(d2)).singleElement().asString().contains("writable mapping of a shadowed page table");
    }

    @Test
    @DisplayName("present where the guest walk fails, or under a root nobody walks")
    void presentWithoutGuestMapping() {
        HvmDomain d = domain();
        plant(d, UNMAPPED_VA, 0x1010, P | US | A);
        assertThat(violations(d)).singleElement().asString().contains("va 0x480000")
                .contains("guest walk fails");
        HvmDomain d2 = domain();
        ShadowTables t = d2.shadow().tables();
        long mfn = mfnOf(d2, 0x1010);
        t.set(0x7777000L, new ShadowL1e(DATA_VA >>> 12, (mfn << 12) | P | US | A, 0x1010, mfn, 0, List.of(),
                List.of(), false));
        assertThat(violations(d2)).singleElement().asString().contains("root 0x7777000")
                .contains("guest walk fails");
    }

    @Test
    @DisplayName("magic entries: gnp where the guest maps the page; MMIO magic for a gfn that is not mmio_dm, or "
            + "for another gfn")
    void magicEntries() {
        HvmDomain d = domain();
        d.shadow().tables().set(ROOT, new ShadowL1e(DATA_VA >>> 12, ShadowMagic.GNP, -1, -1, 0, List.of(),
                List.of(), false));
        assertThat(violations(d)).singleElement().asString().contains("guest-not-present magic but the guest maps");
        HvmDomain d2 = domain();
        d2.shadow().tables().set(ROOT, new ShadowL1e(DEV_VA >>> 12, ShadowMagic.mmio(DEV_GFN, true, true), DEV_GFN,
                -1, 0, List.of(), List.of(), false));
        assertThat(violations(d2)).as("the right MMIO magic").isEmpty();
        d2.shadow().tables().set(ROOT, new ShadowL1e(DEV_VA >>> 12, ShadowMagic.mmio(DEV_GFN + 1, true, true),
                DEV_GFN, -1, 0, List.of(), List.of(), false));
        assertThat(violations(d2)).singleElement().asString().contains("MMIO magic for a gfn that is not mmio_dm");
        HvmDomain d3 = domain();
        d3.shadow().tables().set(ROOT, new ShadowL1e(DATA_VA >>> 12, ShadowMagic.mmio(0x1010, true, true), 0x1010,
                -1, 0, List.of(), List.of(), false));
        assertThat(violations(d3)).singleElement().asString().contains("MMIO magic for a gfn that is not mmio_dm");
    }
}
