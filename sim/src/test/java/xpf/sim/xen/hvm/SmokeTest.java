package xpf.sim.xen.hvm;

import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.Test;
import xpf.model.scenario.XenProfile;
import xpf.sim.scenario.ScenarioRunner;

class SmokeTest {
    static void show(String title, ScenarioRunner.Run r, boolean trace) {
        System.out.println("=== " + title);
        if (trace) {
            System.out.println(r.trace().render());
        }
        r.steps().forEach(s -> System.out.println("  " + s.outcome().summary()));
    }

    @Test
    void seed() {
        show("vmx seed", HvmFixture.vmx().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                step(write(0x500000, 1))), true);
        show("svm df", HvmFixture.svm().noIdtMapping().run(step(write(0x500000, 1))), true);
        show("svm df 3.1", HvmFixture.svm().xen(XenProfile.XEN_3_1).noIdtMapping().run(step(write(0x500000, 1))), false);
        show("vmx hap", HvmFixture.vmx().hap().map(DATA_VA, "data", USER_RW).run(step(read(DATA_VA)),
                step(write(0x500000, 1))), true);
    }
}
