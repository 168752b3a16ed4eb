package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.PageSizes;
import xpf.sim.scenario.ScenarioRunner;

/**
 * 1 GiB pages for HVM guests: Xen offers them only with hardware-assisted paging ({@code hvm_pse1gb_supported(d)} =
 * {@code cpu_has_page1gb && paging_mode_hap(d)}, xen/arch/x86/include/asm/hvm/hvm.h, 4.22), so in a shadowed guest
 * (and on a CPU without 1 GiB pages) PS in a PDPTE is a reserved bit: the walk faults with RSVD|P (x86-paging.md
 * §reserved bits; SDM Vol. 3A §4.5.4).
 */
class Page1GbTest {
    static final long GIB_VA = 0x40000000L;
    static final long GIB_GFN = 0x40000L;

    static HvmFixture gibGuest(HvmFixture f) {
        f.frame("gib", GIB_GFN).mem("gib", 0x10, 0x6789);
        f.mappings.add(new MappingSpec(GIB_VA, GIB_GFN, PageSizes.SIZE_1G, USER_RW, UPPER, f.frames.get("pml4"),
                "1g"));
        return f;
    }

    @Test
    @DisplayName("hvm.5 HAP guest on a CPU with 1 GiB pages: a 1 GiB mapping translates (no exit)")
    void hapWithPage1Gb() {
        ScenarioRunner.Run r = gibGuest(svm().hap()).run(step(read(GIB_VA + 0x10)));
        Expect.step(r, 0, OutcomeClass.OK, "value", "0x6789");
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        assertThat(d.guestCpu().page1gb()).isTrue();
    }

    @Test
    @DisplayName("hvm.3 shadowed guest: no 1 GiB pages for the guest (hvm_pse1gb_supported needs HAP): PS in the PDPTE "
            + "is reserved ⇒ #PF with RSVD|P|U")
    void shadowHasNoPage1Gb() {
        ScenarioRunner.Run r = gibGuest(svm()).run(step(read(GIB_VA + 0x10)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "P|U|RSVD", "cr2", "0x40000010");
        assertThat(((HvmDomain) r.domains().get("guest")).guestCpu().page1gb()).isFalse();
    }

    @Test
    @DisplayName("hvm.5 HAP guest on a CPU without 1 GiB pages: PS in the PDPTE is reserved ⇒ the processor delivers "
            + "#PF with RSVD|P|U itself (no exit under HAP)")
    void hapWithoutPage1Gb() {
        HvmFixture f = svm().hap();
        f.features = EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP);
        ScenarioRunner.Run r = gibGuest(f).run(step(read(GIB_VA + 0x10)));
        Expect.step(r, 0, OutcomeClass.DELIVERED, "vector", "14", "error_code", "P|U|RSVD");
        assertThat(((HvmDomain) r.domains().get("guest")).guestCpu().page1gb()).isFalse();
    }
}
