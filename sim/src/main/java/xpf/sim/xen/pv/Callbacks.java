package xpf.sim.xen.pv;

import java.util.List;
import xpf.model.scenario.TrapInfoSpec;
import xpf.sim.xen.XenFunction;

/**
 * Registering handlers and assists (xen-pv-fault-path.md §5.1; xen/arch/x86/pv/callback.c, common/domain.c):
 * {@code do_set_trap_table} and {@code do_vm_assist}.
 */
final class Callbacks {

    private final PvDomain d;

    Callbacks(PvDomain d) {
        this.d = d;
    }

    /**
     * {@code do_set_trap_table}: a null table clears the whole virtual IDT; otherwise entries are copied in order up
     * to the first with address 0; a non-canonical address stops with -EINVAL (entries before it stay installed;
     * XSA-7 hardening, not in 3.1); the CS RPL is raised to the guest kernel's ({@code fixup_guest_code_selector}).
     */
    @XenFunction(symbol = "do_set_trap_table", file = "xen/arch/x86/pv/callback.c; 3.1: xen/arch/x86/traps.c",
            version = "3.1, 4.22")
    int doSetTrapTable(PvVcpu v, List<TrapInfoSpec> entries, boolean nullHandle) {
        if (nullHandle) {
            for (int i = 0; i < 256; i++) {
                v.trapCtxt[i] = TrapInfo.empty(i);
            }
            d.trace().call("do_set_trap_table", "result", "0", "table", "NULL (cleared)");
            return Rc.OK;
        }
        for (TrapInfoSpec e : entries) {
            if (e.address() == 0) {
                break;
            }
            if (e.vector() < 0 || e.vector() > 255) {
                return Rc.EINVAL;
            }
            if (d.profile().trapTableCanonicalCheck() && !d.pv32() && !PvLayout.canonical(e.address())) {
                d.trace().call("do_set_trap_table", "result", "-EINVAL", "vector", e.vector(), "address",
                        e.address(), "why", "non-canonical");
                return Rc.EINVAL;
            }
            long address = d.pv32() ? e.address() & 0xFFFFFFFFL : e.address();
            v.trapCtxt[e.vector()] = new TrapInfo(e.vector(), e.flags() & 0xFF, fixupGuestCodeSelector(e.cs()),
                    address);
            d.trace().call("do_set_trap_table", "vector", e.vector(), "cs",
                    "0x" + Integer.toHexString(v.trapCtxt[e.vector()].cs()), "address", address, "flags", e.flags());
        }
        return Rc.OK;
    }

    /** {@code fixup_guest_code_selector}: an RPL below the guest kernel's (3 for 64-bit, 1 for 32-bit) is raised. */
    int fixupGuestCodeSelector(int cs) {
        int rpl = d.pv32() ? 1 : 3;
        cs &= 0xFFFF;
        return (cs & 3) >= rpl ? cs : (cs & ~3) | rpl;
    }

    /** {@code do_vm_assist(cmd, type)}: enable (0) / disable (1) a known assist; unknown type -EINVAL, cmd -ENOSYS. */
    @XenFunction(symbol = "do_vm_assist", file = "xen/common/domain.c", version = "3.1, 4.22")
    int doVmAssist(int cmd, int type) {
        if (!d.profile().vmAssistKnown(type, d.pv32())) {
            return Rc.EINVAL;
        }
        switch (cmd) {
            case 0 -> d.setVmAssist(type, true);
            case 1 -> d.setVmAssist(type, false);
            default -> {
                return Rc.ENOSYS;
            }
        }
        d.trace().call("do_vm_assist", "cmd", cmd == 0 ? "enable" : "disable", "type", type, "result", "0");
        return Rc.OK;
    }
}
