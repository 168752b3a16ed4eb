package xpf.properties.gen;

import java.util.EnumSet;
import java.util.Set;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.Vendor;
import xpf.prop.Gen;

/**
 * Machines for a domain family: vendor (mostly the one the HVM architecture belongs to, sometimes the other, which the
 * model accepts), MAXPHYADDR from the architectural range with the common values dense, CPUID features, and the Xen
 * profile (HAP exists only in xen-4.22).
 */
public final class Machines {

    static final int[] MAXPHYADDRS = {40, 36, 39, 42, 44, 45, 46, 48, 52};

    private Machines() {
    }

    public static Gen<MachineSpec> machines(DomainKind kind, HvmPaging paging) {
        return c -> {
            Draw d = new Draw(c);
            Vendor vendor = switch (kind) {
                case HVM_SVM -> d.p(0.1) ? Vendor.INTEL : Vendor.AMD;
                case HVM_VMX -> d.p(0.1) ? Vendor.AMD : Vendor.INTEL;
                default -> d.p(0.5) ? Vendor.AMD : Vendor.INTEL;
            };
            int maxPhy = MAXPHYADDRS[d.weighted(8, 1, 1, 1, 2, 1, 2, 1, 1)];
            Set<CpuFeature> f = EnumSet.noneOf(CpuFeature.class);
            if (!d.p(0.08)) {
                f.add(CpuFeature.NX);
            }
            if (d.p(0.6)) {
                f.add(CpuFeature.SMEP);
            }
            if (d.p(0.55)) {
                f.add(CpuFeature.SMAP);
            }
            if (d.p(0.6)) {
                f.add(CpuFeature.PAGE1GB);
            }
            if (d.p(0.3)) {
                f.add(CpuFeature.PKU);
            }
            if (d.p(0.1)) {
                f.add(CpuFeature.PKS);
            }
            if (d.p(0.2)) {
                f.add(CpuFeature.LA57);
            }
            if (d.p(0.5)) {
                f.add(CpuFeature.NRIPS);
            }
            if (d.p(0.5)) {
                f.add(CpuFeature.DECODE_ASSISTS);
            }
            boolean needs422 = paging == HvmPaging.HAP;
            XenProfile xen = !needs422 && d.p(0.3) ? XenProfile.XEN_3_1 : XenProfile.XEN_4_22;
            if (xen == XenProfile.XEN_3_1) {
                // A 2007 host: SMEP, SMAP, protection keys, 5-level paging and the SVM decode extensions came later,
                // and Xen 3.1 knows none of them.
                f.retainAll(EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB));
            }
            return new MachineSpec(vendor, maxPhy, f, xen);
        };
    }
}
