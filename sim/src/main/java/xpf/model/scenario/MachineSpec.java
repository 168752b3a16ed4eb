package xpf.model.scenario;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import xpf.model.x86.Vendor;

/** The physical machine: CPU vendor, MAXPHYADDR, CPUID features, and which Xen runs on it. */
public record MachineSpec(Vendor vendor, int maxPhyAddr, Set<CpuFeature> features, XenProfile xen) {
    public MachineSpec {
        features = Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(CpuFeature.class)
                : EnumSet.copyOf(features));
    }

    public boolean has(CpuFeature f) {
        return features.contains(f);
    }

    /** A modern Intel host with NX, SMEP, SMAP, 1 GiB pages, MAXPHYADDR 40, running the given Xen. */
    public static MachineSpec modernIntel(XenProfile xen) {
        return new MachineSpec(Vendor.INTEL, 40,
                EnumSet.of(CpuFeature.NX, CpuFeature.SMEP, CpuFeature.SMAP, CpuFeature.PAGE1GB), xen);
    }
}
