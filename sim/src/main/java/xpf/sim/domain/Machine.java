package xpf.sim.domain;

import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.MachineSpec;
import xpf.model.x86.CpuConfig;
import xpf.sim.x86.PhysicalMemory;

/** The physical machine every domain of a scenario runs on: its CPU and its one physical memory. */
public final class Machine {
    private final MachineSpec spec;
    private final CpuConfig cpu;
    private final PhysicalMemory memory = new PhysicalMemory();

    public Machine(MachineSpec spec) {
        this.spec = spec;
        this.cpu = new CpuConfig(spec.vendor(), spec.maxPhyAddr(), spec.has(CpuFeature.PAGE1GB));
    }

    public MachineSpec spec() {
        return spec;
    }

    public CpuConfig cpu() {
        return cpu;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /** The highest machine frame number + 1 that MAXPHYADDR allows. */
    public long frameLimit() {
        return 1L << (spec.maxPhyAddr() - 12);
    }
}
