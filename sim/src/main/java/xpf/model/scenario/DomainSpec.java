package xpf.model.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * One domain's initial state.
 *
 * @param frames      named frames the domain owns, in file order (machine frames for PV/bare, gfns for HVM)
 * @param spareFrames how many more anonymous frames it owns (used for tables created by {@code mappings})
 * @param vmAssist    PV {@code vm_assist} types enabled, e.g. {@code writable_pagetables}
 * @param trapTable   PV virtual IDT entries registered at start (as by {@code set_trap_table})
 * @param params      HVM params and other knobs by name, e.g. {@code triple_fault_reason}
 */
public record DomainSpec(
        String name,
        DomainKind kind,
        HvmPaging paging,
        boolean hardwareDomain,
        Set<String> vmAssist,
        SequencedMap<String, Long> frames,
        int spareFrames,
        List<PteSpec> pageTables,
        List<MappingSpec> mappings,
        List<MemoryInit> memory,
        List<VcpuSpec> vcpus,
        List<TrapInfoSpec> trapTable,
        List<P2mSpec> p2m,
        List<DeviceSpec> devices,
        SequencedMap<String, Long> params) {

    public DomainSpec {
        vmAssist = Collections.unmodifiableSet(new TreeSet<>(vmAssist));
        frames = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(frames));
        pageTables = List.copyOf(pageTables);
        mappings = List.copyOf(mappings);
        memory = List.copyOf(memory);
        vcpus = List.copyOf(vcpus);
        trapTable = List.copyOf(trapTable);
        p2m = List.copyOf(p2m);
        devices = List.copyOf(devices);
        params = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    }
}
