package xpf.model.scenario;

import java.util.List;

/**
 * The hypercalls a PV scenario can make (xen-pv-fault-path.md §4–§5): a sealed set with the arguments of each, as
 * the public headers define them.
 */
public sealed interface HypercallOp {

    /** The hypercall's name in scenario files and traces. */
    String hypercallName();

    /** {@code HYPERVISOR_mmu_update(reqs, count, pdone, foreigndom)}: {@code ptr & 7} is the command. */
    record MmuUpdate(List<Request> requests, int foreignDom) implements HypercallOp {
        public MmuUpdate {
            requests = List.copyOf(requests);
        }

        /** One {@code mmu_update} request: {@code ptr} (machine address of the PTE, command in bits 0-2), value. */
        public record Request(long ptr, long val) {
        }

        @Override
        public String hypercallName() {
            return "mmu_update";
        }
    }

    /** {@code HYPERVISOR_update_va_mapping(va, val, flags)}: flags UVMF_TLB_FLUSH 1, UVMF_INVLPG 2, UVMF_ALL 4. */
    record UpdateVaMapping(long va, long val, long flags) implements HypercallOp {
        @Override
        public String hypercallName() {
            return "update_va_mapping";
        }
    }

    /** {@code HYPERVISOR_mmuext_op(ops, count, pdone, foreigndom)}. */
    record MmuextOp(List<Request> ops, int foreignDom) implements HypercallOp {
        public MmuextOp {
            ops = List.copyOf(ops);
        }

        /**
         * One command: {@code cmd} (MMUEXT_PIN_L1_TABLE 0 ... MMUEXT_NEW_USER_BASEPTR 15), {@code arg1} (an MFN or a
         * linear address, by command), {@code arg2} (count / vcpumask / source MFN, by command).
         */
        public record Request(int cmd, long arg1, long arg2) {
        }

        @Override
        public String hypercallName() {
            return "mmuext_op";
        }
    }

    /** {@code HYPERVISOR_set_trap_table(table)}: an empty list is the null handle (clears the virtual IDT). */
    record SetTrapTable(List<TrapInfoSpec> entries, boolean nullHandle) implements HypercallOp {
        public SetTrapTable {
            entries = List.copyOf(entries);
        }

        @Override
        public String hypercallName() {
            return "set_trap_table";
        }
    }

    /** {@code HYPERVISOR_vm_assist(cmd, type)}: cmd 0 enable, 1 disable; type e.g. 2 = writable_pagetables. */
    record VmAssist(int cmd, int type) implements HypercallOp {
        @Override
        public String hypercallName() {
            return "vm_assist";
        }
    }

    /** {@code HYPERVISOR_iret()}: returns from a guest handler using the frame on the guest stack. */
    record Iret() implements HypercallOp {
        @Override
        public String hypercallName() {
            return "iret";
        }
    }

    /** {@code HYPERVISOR_multicall}: the calls run in order in one hypercall (XSA-286 needs this). */
    record Multicall(List<HypercallOp> calls) implements HypercallOp {
        public Multicall {
            calls = List.copyOf(calls);
        }

        @Override
        public String hypercallName() {
            return "multicall";
        }
    }
}
