package xpf.sim.xen.hvm;

import java.util.List;
import xpf.sim.xen.XenSymbols;

/**
 * Registers the HVM path's classes (and the memory-management classes it uses) with {@link XenSymbols}, so
 * {@code xpf explain} shows each {@code CALL} of an HVM trace with its Xen file and version.
 */
public final class HvmSymbols implements XenSymbols.Source {
    @Override
    public List<Class<?>> classes() {
        return List.of(HvmDomain.class, HvmPaging.class, HvmInjection.class, HvmExceptions.class,
                HapNestedFault.class, HvmEmulate.class, xpf.sim.xen.hvm.svm.Svm.class, xpf.sim.xen.hvm.vmx.Vmx.class,
                xpf.sim.xen.mm.shadow.ShadowPaging.class, xpf.sim.xen.mm.shadow.ShadowTables.class,
                xpf.sim.xen.mm.walk.GuestWalker.class, xpf.sim.xen.mm.p2m.P2m.class);
    }
}
