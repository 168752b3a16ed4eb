package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A shadow-mode HVM vCPU that starts with paging on has been through {@code sh_update_paging_modes} →
 * {@code sh_update_cr3} (xen/arch/x86/mm/shadow/multi.c, 4.22; xen-hvm-fault-path.md §3): its top-level guest table
 * is already shadowed (promoted, write-protected) before the first guest access; a HAP vCPU has no shadows.
 */
class ShadowBuildStateTest {

    @Test
    @DisplayName("hvm.3 at build, sh_update_cr3 has promoted the guest's top-level table (L4 of a long-mode guest)")
    void topLevelShadowedAtBuild() {
        HvmDomain d = dom(svm().run());
        long l4 = d.p2m().lookup(0x1000).mfn();
        assertThat(d.view().pageTables()).containsOnlyKeys(l4);
        assertThat(d.view().pageTables().get(l4)).containsExactly(4);
        assertThat(d.view().shadows()).containsOnlyKeys(0x1000L << 12);
        assertThat(dom(svm().hap().run()).view().pageTables()).isEmpty();
    }

    static HvmDomain dom(xpf.sim.scenario.ScenarioRunner.Run r) {
        return (HvmDomain) r.domains().get("guest");
    }
}
