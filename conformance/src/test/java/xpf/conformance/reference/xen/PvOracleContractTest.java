package xpf.conformance.reference.xen;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Operation;
import xpf.model.scenario.XenProfile;
import xpf.model.xen.BareDomainView;
import xpf.model.xen.PvDomainView;

/**
 * What the property suite relies on: the PV oracle imports only java.* and xpf.model.* (besides the walk model of
 * its parent package), is deterministic and side-effect free, answers every operation, and says "not modelled" for
 * views it does not know.
 */
class PvOracleContractTest {

    @Test
    @DisplayName("the PV oracle depends only on java.*, xpf.model.* and the reference walk model")
    void independent() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("xpf.conformance.reference.xen");
        assertThat(classes.stream().map(c -> c.getSimpleName())).contains("PvOracle", "FaultPath", "Delivery",
                "Hypercalls", "PageTypes", "Ptwr");
        noClasses().should().dependOnClassesThat().resideOutsideOfPackages("java..", "xpf.model..",
                "xpf.conformance.reference..").check(classes);
    }

    @Test
    @DisplayName("predictions are deterministic and leave the view untouched")
    void sideEffectFree() {
        PvDomainView v = PvWorld.pv64(XenProfile.XEN_4_22).view();
        var memoryBefore = new java.util.TreeMap<>(v.memory());
        var framesBefore = new java.util.TreeMap<>(v.frames());
        List<Operation> ops = List.of(GuestAccess.write(0x3010, (PvWorld.NEWDATA << 12) | 0x27),
                GuestAccess.read(0x9000), new xpf.model.scenario.Hypercall(PvWorld.mmu(PvWorld.pte(PvWorld.L2, 1),
                        (PvWorld.SPARE << 12) | 0x27)), new xpf.model.scenario.Hypercall(new HypercallOp.Iret()));
        PvOracle o = new PvOracle();
        for (Operation op : ops) {
            PvPrediction a = o.predictPv(v, PvWorld.step(op));
            PvPrediction b = o.predictPv(v, PvWorld.step(op));
            assertThat(a).isEqualTo(b);
        }
        assertThat(v.memory()).isEqualTo(memoryBefore);
        assertThat(v.frames()).isEqualTo(framesBefore);
    }

    @Test
    @DisplayName("a view of another kind of domain is not modelled")
    void otherKinds() {
        BareDomainView bare = new BareDomainView("g", PvWorld.pv64(XenProfile.XEN_4_22).view().machine(), true,
                new java.util.TreeMap<>(), List.of());
        assertThat(new PvOracle().predict(bare, PvWorld.step(GuestAccess.read(0))).modelled()).isFalse();
    }

    @Test
    @DisplayName("fast enough to run after every step of a property run")
    void fast() {
        PvDomainView v = PvWorld.pv64(XenProfile.XEN_4_22).view();
        PvOracle o = new PvOracle();
        long t0 = System.nanoTime();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            o.predict(v, PvWorld.step(GuestAccess.write(0x3010, (PvWorld.NEWDATA << 12) | 0x27)));
            o.predict(v, PvWorld.step(GuestAccess.read(0x9000)));
        }
        double us = (System.nanoTime() - t0) / 1000.0 / (2 * n);
        System.out.printf("PV oracle: %.1f us per prediction%n", us);
        assertThat(us).isLessThan(5000);
    }
}
