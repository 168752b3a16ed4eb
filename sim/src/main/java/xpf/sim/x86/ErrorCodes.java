package xpf.sim.x86;

import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;

/** The access-describing bits of the #PF error code (x86-paging.md §1.1d). */
@Rule("1.1d")
public final class ErrorCodes {

    private ErrorCodes() {
    }

    /**
     * W iff the access is a write; U iff it is a user-mode access (explicit at CPL 3; implicit supervisor accesses
     * give 0); I iff an instruction fetch with CR4.SMEP=1 or (CR4.PAE=1 and EFER.NXE=1). These bits are set on every
     * #PF, including not-present and reserved-bit faults.
     */
    public static int base(Access a, PagingControls c) {
        int ec = 0;
        if (a.kind() == AccessKind.WRITE) {
            ec |= PfErrorCode.W;
        }
        if (a.userMode()) {
            ec |= PfErrorCode.U;
        }
        if (a.kind() == AccessKind.FETCH && (c.cr4Smep() || (c.mode() != PagingMode.LEGACY2 && c.eferNxe()))) {
            ec |= PfErrorCode.I;
        }
        return ec;
    }
}
