package xpf.sim.domain;

import java.util.EnumSet;
import java.util.Set;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;

/** Converts between a scenario's vCPU description and the x86 model's {@link PagingControls}. */
public final class VcpuControls {

    private VcpuControls() {
    }

    public static PagingControls of(VcpuSpec v) {
        return of(v.mode() == null ? PagingMode.LONG4 : v.mode(), v.cr3(), v.controls(), v.pkru(), v.pkrs());
    }

    public static PagingControls of(PagingMode mode, long cr3, Set<ControlFlag> f, int pkru, int pkrs) {
        return new PagingControls(mode, f.contains(ControlFlag.WP), f.contains(ControlFlag.PSE),
                f.contains(ControlFlag.PGE), f.contains(ControlFlag.SMEP), f.contains(ControlFlag.SMAP),
                f.contains(ControlFlag.PKE), f.contains(ControlFlag.PKS), f.contains(ControlFlag.NXE),
                f.contains(ControlFlag.AC), pkru, pkrs, cr3);
    }

    public static Set<ControlFlag> flags(PagingControls c) {
        Set<ControlFlag> s = EnumSet.noneOf(ControlFlag.class);
        if (c.cr0Wp()) {
            s.add(ControlFlag.WP);
        }
        if (c.cr4Pse()) {
            s.add(ControlFlag.PSE);
        }
        if (c.cr4Pge()) {
            s.add(ControlFlag.PGE);
        }
        if (c.cr4Smep()) {
            s.add(ControlFlag.SMEP);
        }
        if (c.cr4Smap()) {
            s.add(ControlFlag.SMAP);
        }
        if (c.cr4Pke()) {
            s.add(ControlFlag.PKE);
        }
        if (c.cr4Pks()) {
            s.add(ControlFlag.PKS);
        }
        if (c.eferNxe()) {
            s.add(ControlFlag.NXE);
        }
        if (c.eflagsAc()) {
            s.add(ControlFlag.AC);
        }
        return s;
    }

    /** The controls after a {@link ControlWrite}. */
    public static PagingControls apply(PagingControls c, ControlWrite w) {
        Set<ControlFlag> f = flags(c);
        f.addAll(w.set());
        f.removeAll(w.clear());
        return of(w.mode() == null ? c.mode() : w.mode(), w.cr3() == null ? c.cr3() : w.cr3(), f,
                w.pkru() == null ? c.pkru() : w.pkru(), c.pkrs());
    }

    /**
     * The first control the machine does not support (so a MOV CR4/WRMSR setting it raises #GP), or null.
     * SMEP, SMAP, PKE, PKS, NXE and 5-level paging need their CPUID features.
     */
    public static String unsupported(PagingControls c, MachineSpec m) {
        if (c.cr4Smep() && !m.has(CpuFeature.SMEP)) {
            return "SMEP";
        }
        if (c.cr4Smap() && !m.has(CpuFeature.SMAP)) {
            return "SMAP";
        }
        if (c.cr4Pke() && !m.has(CpuFeature.PKU)) {
            return "PKE";
        }
        if (c.cr4Pks() && !m.has(CpuFeature.PKS)) {
            return "PKS";
        }
        if (c.eferNxe() && !m.has(CpuFeature.NX)) {
            return "NXE";
        }
        if (c.mode() == PagingMode.LONG5 && !m.has(CpuFeature.LA57)) {
            return "LA57";
        }
        return null;
    }
}
