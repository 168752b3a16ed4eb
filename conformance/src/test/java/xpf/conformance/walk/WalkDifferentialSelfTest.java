package xpf.conformance.walk;

import xpf.sim.walk.WalkJson;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.conformance.reference.ReferenceWalk;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/**
 * The differential harness finds a planted difference and shrinks it to a small case, and finds none when both
 * sides are the reference model.
 */
class WalkDifferentialSelfTest {

    static final Function<WalkCase, WalkOutcome> REFERENCE = ReferenceWalk::evaluate;

    /** Broken copy A: a successful access to a 2 MiB page reports bit 20 of the physical address flipped. */
    static final Function<WalkCase, WalkOutcome> WRONG_2M_PA = c -> {
        WalkOutcome o = ReferenceWalk.evaluate(c);
        if (!o.fault() && o.pageSize() == PageSizes.SIZE_2M) {
            return WalkOutcome.success(o.pa() ^ (1L << 20), o.pageSize(), o.memoryAfter(), o.walk(), o.note());
        }
        return o;
    };

    /** Broken copy B: a supervisor write denied with CR0.WP=1 loses the W bit of its error code. */
    static final Function<WalkCase, WalkOutcome> WP_FAULT_WITHOUT_W = c -> {
        WalkOutcome o = ReferenceWalk.evaluate(c);
        if (o.fault() && o.vector() == 14 && c.controls().cr0Wp() && c.access().kind() == AccessKind.WRITE
                && (o.errorCode() & (PfErrorCode.P | PfErrorCode.U | PfErrorCode.RSVD)) == PfErrorCode.P) {
            return WalkOutcome.pageFault(o.errorCode() & ~PfErrorCode.W, o.cr2(), o.walk(), o.note());
        }
        return o;
    };

    @Test
    @DisplayName("reference vs itself: 200,000 seeded cases, 0 mismatches")
    void referenceAgreesWithItself() {
        WalkDifferential.Result r = WalkDifferential.run(0xC0FFEEL, 200_000, "reference", REFERENCE, "reference",
                REFERENCE);
        System.out.print(r.describe());
        assertThat(r.cases()).isEqualTo(200_000);
        assertThat(r.mismatches()).as(r.describe()).isZero();
        assertThat(r.spread().total()).isEqualTo(200_000);
    }

    @Test
    @DisplayName("a planted 2M physical-address bug is found and minimised to one walk of long-mode entries")
    void findsAndMinimisesWrong2MAddress() {
        WalkDifferential.Result r = WalkDifferential.run(7, 5_000, "reference", REFERENCE, "broken", WRONG_2M_PA);
        System.out.print(r.describe());
        assertThat(r.mismatches()).isGreaterThan(50);
        WalkDifferential.Mismatch m = r.reported().get(0);
        WalkCase min = m.minimal();
        // the mismatch persists on the minimal case
        assertThat(REFERENCE.apply(min).sameAs(WRONG_2M_PA.apply(min))).isFalse();
        assertThat(REFERENCE.apply(min).pageSize()).isEqualTo(PageSizes.SIZE_2M);
        // small: only the entries of the walk (PAE: PDPTE + PDE; long4: 3; long5: 4), everything else at defaults
        assertThat(min.memory().size()).isLessThanOrEqualTo(4)
                .isLessThanOrEqualTo(m.original().memory().size());
        assertThat(min.memory().size()).isEqualTo(REFERENCE.apply(min).walk().size());
        assertThat(min.controls().cr0Wp() || min.controls().cr4Smep() || min.controls().cr4Smap()
                || min.controls().cr4Pke() || min.controls().cr4Pks() || min.controls().eferNxe()
                || min.controls().eflagsAc() || min.controls().cr4Pge()).isFalse();
        assertThat(min.controls().pkru()).isZero();
        assertThat(min.access().kind()).isEqualTo(AccessKind.READ);
        assertThat(min.access().cpl()).isZero();
        assertThat(min.access().implicit() || min.access().stack()).isFalse();
        assertThat(min.cpu().maxPhyAddr()).isEqualTo(36);
        assertReplayable(m);
    }

    @Test
    @DisplayName("a planted error-code bug (WP fault without W) is found and minimised, keeping CR0.WP and the write")
    void findsAndMinimisesWpErrorCode() {
        WalkDifferential.Result r = WalkDifferential.run(11, 5_000, "reference", REFERENCE, "broken",
                WP_FAULT_WITHOUT_W);
        System.out.print(r.describe());
        assertThat(r.mismatches()).isGreaterThan(20);
        WalkDifferential.Mismatch m = r.reported().get(0);
        WalkCase min = m.minimal();
        assertThat(min.controls().cr0Wp()).isTrue();
        assertThat(min.access().kind()).isEqualTo(AccessKind.WRITE);
        assertThat(min.controls().cr4Smap() || min.controls().cr4Smep() || min.controls().cr4Pke()
                || min.controls().eferNxe()).isFalse();
        assertThat(min.memory().size()).isLessThanOrEqualTo(5);
        assertThat(m.left().outcome().summary()).startsWith("#PF(P|W)");
        assertThat(m.right().outcome().summary()).startsWith("#PF(P)");
        assertReplayable(m);
    }

    @Test
    @DisplayName("an exception thrown by one side counts as a mismatch and is reported")
    void exceptionIsAMismatch() {
        Function<WalkCase, WalkOutcome> throwing = c -> {
            if (c.controls().cr4Pks()) {
                throw new IllegalStateException("boom");
            }
            return ReferenceWalk.evaluate(c);
        };
        WalkDifferential.Result r = WalkDifferential.run(3, 500, "reference", REFERENCE, "throwing", throwing);
        assertThat(r.mismatches()).isGreaterThan(100);
        WalkDifferential.Mismatch m = r.reported().get(0);
        assertThat(m.right().error()).contains("boom");
        assertThat(m.minimal().controls().cr4Pks()).isTrue();
        assertThat(m.minimal().memory()).isEmpty();
        assertThat(m.jsonLine()).contains("\"cr4_pks\":true").contains("boom");
    }

    /** The report is one JSON line in the walk-service input format that reads back as the minimal case. */
    private static void assertReplayable(WalkDifferential.Mismatch m) {
        String line = m.jsonLine();
        assertThat(line).doesNotContain("\n");
        assertThat(line).contains("seed 0x").contains("case " + m.index()).contains("\"expected\":{");
        assertThat(WalkJson.parseLine(line).walkCase()).isEqualTo(m.minimal());
    }
}
