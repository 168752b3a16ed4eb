package xpf.model.scenario;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import xpf.model.x86.PagingMode;

/**
 * A guest write to control state: a new CR3 (null: unchanged), control flags to set and to clear, optionally a new
 * paging mode (null: unchanged), new PKRU (null: unchanged). For PV guests a CR3 write is what the guest asks for
 * with {@code MMUEXT_NEW_BASEPTR}; the PV path decides what it means.
 */
public record ControlWrite(Long cr3, Set<ControlFlag> set, Set<ControlFlag> clear, PagingMode mode, Integer pkru)
        implements Operation {

    public ControlWrite {
        set = Collections.unmodifiableSet(set.isEmpty() ? EnumSet.noneOf(ControlFlag.class) : EnumSet.copyOf(set));
        clear = Collections.unmodifiableSet(clear.isEmpty() ? EnumSet.noneOf(ControlFlag.class)
                : EnumSet.copyOf(clear));
    }

    @Override
    public String opName() {
        return "cr_write";
    }
}
