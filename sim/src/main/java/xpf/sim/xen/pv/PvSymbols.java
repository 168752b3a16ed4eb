package xpf.sim.xen.pv;

import java.util.List;
import xpf.sim.xen.XenSymbols;
import xpf.sim.xen.mm.PageRefs;

/**
 * Registers the PV path's decision points with {@link XenSymbols}, so {@code xpf explain} shows each {@code CALL} of a
 * PV run with its Xen file and version (listed in META-INF/services/xpf.sim.xen.XenSymbols$Source).
 */
public final class PvSymbols implements XenSymbols.Source {
    @Override
    public List<Class<?>> classes() {
        return List.of(PvGuestSteps.class, PvTraps.class, PvRoPageFault.class, PvInject.class, BounceFrame.class,
                PvDomain.class, PvMm.class, DoMmuUpdate.class, DoMmuextOp.class, DoUpdateVaMapping.class,
                Callbacks.class, DoIret.class, PageRefs.class);
    }
}
