package xpf.sim.scenario.load;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DeviceSpec;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.EventSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.GateSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.Insn;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.Knobs;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.Operation;
import xpf.model.scenario.P2mSpec;
import xpf.model.scenario.PteSpec;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.AccessKind;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;
import xpf.sim.scenario.BugSwitches;
import xpf.sim.xen.BugSwitch;

/**
 * Reads a scenario file (YAML or JSON, docs/scenario-format.md) into a {@link Scenario}. Strict: unknown keys,
 * missing required keys, wrong types, out-of-range numbers, unknown names and keys a domain kind cannot use are
 * errors, each reported as {@code FILE:LINE:COLUMN: field.path: message} ({@link ScenarioLoadException}).
 * Defaults are filled in, so the model the simulator sees is explicit.
 */
public final class ScenarioLoader {

    /** What the step keys are, by op (common keys first). */
    static final List<String> STEP_COMMON = List.of("op", "domain", "vcpu", "knobs", "expect", "note");
    static final Map<String, List<String>> OP_KEYS = Map.of(
            "access", List.of("va", "kind", "size", "value", "cpl", "implicit", "stack", "insn", "compare"),
            "hypercall", List.of("call"),
            "cr_write", List.of("cr3", "set", "clear", "mode", "pkru"),
            "invlpg", List.of("va"),
            "host_write", List.of("pa", "size", "value"));
    static final List<String> OPS = List.of("access", "hypercall", "cr_write", "invlpg", "host_write");

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final Ctx c;
    private final SourceMap sources = new SourceMap();
    private final Dom.All doms = new Dom.All();
    private MachineSpec machine;

    private ScenarioLoader(String file) {
        this.c = new Ctx(file);
    }

    /** Loads a file; the name in messages is the path as given. */
    public static LoadedScenario load(Path file) {
        String shown = file.toString();
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ScenarioLoadException(shown, Location.START, "", "no such file");
        } catch (CharacterCodingException e) {
            throw new ScenarioLoadException(shown, Location.START, "", "not UTF-8 text");
        } catch (IOException e) {
            throw new ScenarioLoadException(shown, Location.START, "", "cannot read: " + e.getMessage());
        }
        return load(shown, text);
    }

    /** Loads text; {@code fileName} names it in messages, decides YAML or JSON and gives the default name. */
    public static LoadedScenario load(String fileName, String content) {
        Node root = TreeReader.read(fileName, content, TreeReader.isJson(fileName));
        ScenarioLoader l = new ScenarioLoader(fileName);
        l.record(root, "");
        Scenario s = l.scenario(root, defaultName(fileName));
        return new LoadedScenario(fileName, s, l.sources);
    }

    /** Loads YAML text (tests and tools). */
    public static Scenario parse(String yaml) {
        return load("<string>.yaml", yaml).scenario();
    }

    static String defaultName(String fileName) {
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private void record(Node n, String path) {
        sources.put(path, n.location());
        switch (n) {
            case Node.MapNode m -> m.entries().values().forEach(e -> record(e.value(), Ctx.join(path, e.key())));
            case Node.ListNode l -> {
                for (int i = 0; i < l.items().size(); i++) {
                    record(l.items().get(i), Ctx.index(path, i));
                }
            }
            case Node.Scalar s -> {
            }
        }
    }

    // ---------------------------------------------------------------- top level

    private Scenario scenario(Node root, String defaultName) {
        Fields top = c.map(root, "");
        Node v = top.req("version");
        if (!c.big(v, "version").equals(java.math.BigInteger.valueOf(Scenario.FORMAT_VERSION))) {
            throw c.err(v, "version", "unsupported version " + c.str(v, "version") + " (this build reads version "
                    + Scenario.FORMAT_VERSION + ")");
        }
        int version = Scenario.FORMAT_VERSION;
        top.only("version", "name", "description", "tags", "machine", "bugs", "domains", "steps");
        String name = top.str("name", defaultName);
        if (name.isBlank()) {
            throw c.err(top.req("name"), "name", "the name is empty");
        }
        String description = top.str("description", "");
        List<String> tags = top.has("tags") ? c.strings(top.get("tags"), "tags") : List.of();
        // every entry must be a known switch (BugSwitches): a typo would otherwise silently switch nothing
        List<String> bugs = top.has("bugs")
                ? c.words(top.get("bugs"), "bugs", BugSwitches::fromWire).stream().map(BugSwitch::id).toList()
                : List.of();
        machine = machine(top.get("machine"));
        Node.ListNode dl = c.list(top.req("domains"), "domains");
        if (dl.items().isEmpty()) {
            throw c.err(dl, "domains", "at least one domain is needed");
        }
        List<DomainSpec> domains = new ArrayList<>();
        for (int i = 0; i < dl.items().size(); i++) {
            domains.add(domain(dl.items().get(i), i));
        }
        Node.ListNode sl = c.list(top.req("steps"), "steps");
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < sl.items().size(); i++) {
            steps.add(step(sl.items().get(i), i, domains));
        }
        return new Scenario(version, name, description, tags, machine, bugs, domains, steps);
    }

    private MachineSpec machine(Node n) {
        if (n == null) {
            return new MachineSpec(Vendor.INTEL, 40, EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB),
                    XenProfile.XEN_4_22);
        }
        Fields m = c.map(n, "machine").only("vendor", "maxphyaddr", "features", "xen");
        Vendor vendor = m.has("vendor") ? c.word(m.get("vendor"), m.p("vendor"), Vendor::fromWire) : Vendor.INTEL;
        int maxPhyAddr = (int) m.num("maxphyaddr", 40, 36, 52);
        Set<CpuFeature> features = m.has("features")
                ? setOf(CpuFeature.class, c.words(m.get("features"), m.p("features"), CpuFeature::fromWire))
                : EnumSet.of(CpuFeature.NX, CpuFeature.PAGE1GB);
        XenProfile xen = m.has("xen") ? c.word(m.get("xen"), m.p("xen"), XenProfile::fromWire) : XenProfile.XEN_4_22;
        return new MachineSpec(vendor, maxPhyAddr, features, xen);
    }

    private static <E extends Enum<E>> Set<E> setOf(Class<E> type, List<E> items) {
        Set<E> s = EnumSet.noneOf(type);
        s.addAll(items);
        return s;
    }

    // ---------------------------------------------------------------- domains

    private DomainSpec domain(Node n, int i) {
        String path = "domains[" + i + "]";
        Fields f = c.map(n, path);
        f.only("name", "kind", "paging", "hardware_domain", "vm_assist", "frames", "spare_frames", "page_tables",
                "mappings", "memory", "trap_table", "p2m", "devices", "params", "vcpus");
        DomainKind kind = c.word(f.req("kind"), f.p("kind"), DomainKind::fromWire);
        String name = f.str("name", i == 0 ? "guest" : "d" + i);
        if (!DOMAIN_NAME.matcher(name).matches()) {
            throw c.err(f.req("name"), f.p("name"), "'" + name + "' is not a valid name (letters, digits, _ and -, "
                    + "not starting with a digit)");
        }
        if (doms.byName.containsKey(name)) {
            Node at = f.has("name") ? f.get("name") : n;
            throw c.err(at, f.p("name"), "duplicate domain name '" + name + "' (also domains["
                    + doms.byName.get(name).index + "])");
        }
        Dom d = new Dom(i, name, kind, path, machine.maxPhyAddr());
        doms.byName.put(name, d);

        String pvOnly = "only PV domains (pv64, pv32) have this; this domain is " + kind.wireName();
        String hvmOnly = "only HVM domains (hvm-svm, hvm-vmx) have this; this domain is " + kind.wireName();
        if (!kind.pv()) {
            f.forbid("vm_assist", pvOnly);
            f.forbid("trap_table", pvOnly);
        }
        if (!kind.hvm()) {
            f.forbid("paging", hvmOnly);
            f.forbid("p2m", hvmOnly);
            f.forbid("devices", hvmOnly);
        }
        if (kind == DomainKind.BARE) {
            f.forbid("hardware_domain", "a bare domain runs without Xen, so it cannot be the hardware domain");
            f.forbid("params", "a bare domain runs without Xen, so it has no Xen parameters");
        }
        HvmPaging paging = kind.hvm()
                ? (f.has("paging") ? c.word(f.get("paging"), f.p("paging"), HvmPaging::fromWire) : HvmPaging.SHADOW)
                : null;
        boolean hwdom = f.bool("hardware_domain", false);
        Set<String> vmAssist = new java.util.TreeSet<>();
        if (f.has("vm_assist")) {
            vmAssist.addAll(c.words(f.get("vm_assist"), f.p("vm_assist"), s -> {
                if (!PvNames.DOMAIN_VM_ASSIST.contains(s)) {
                    throw new IllegalArgumentException("unknown vm_assist type '" + s
                            + "' (expected writable_pagetables, architectural_iopl or m2p_strict)");
                }
                return s;
            }));
        }
        // Frames first: everything else refers to them.
        if (f.has("frames")) {
            Fields fr = c.map(f.get("frames"), f.p("frames"));
            for (Node.Entry e : fr.node.entries().values()) {
                String fp = fr.p(e.key());
                if (!IDENT.matcher(e.key()).matches()) {
                    throw c.err(e.keyLocation(), fp, "'" + e.key() + "' is not a valid frame name (letters, digits "
                            + "and _, not starting with a digit)");
                }
                if (Dom.reserved(e.key())) {
                    throw c.err(e.keyLocation(), fp, "'" + e.key() + "' cannot name a frame: entry expressions use "
                            + "it as a flag or function");
                }
                Node fv = e.value();
                d.frames.put(e.key(), Exprs.checkFrame(c, fv, fp, c.big(fv, fp), d));
            }
        }
        int spare = (int) f.num("spare_frames", 16, 0, 4096);
        List<VcpuSpec> vcpus = vcpus(f, d);
        d.entryWidth = vcpus.get(0).mode() == null ? 8 : vcpus.get(0).mode().entryBytes();
        d.vcpus = vcpus.size();
        d.rootFrame = vcpus.get(0).mode() == null ? null : vcpus.get(0).cr3() >>> 12;

        List<PteSpec> ptes = new ArrayList<>();
        forEach(f, "page_tables", (item, p) -> {
            Fields e = c.map(item, p).only("table", "index", "entry");
            long table = Exprs.frame(c, e.req("table"), e.p("table"), d, doms);
            int idx = (int) c.num(e.req("index"), e.p("index"), 0, 4096 / d.entryWidth - 1);
            Node en = e.req("entry");
            long value = Exprs.entry(c, en, e.p("entry"), d, doms, true);
            if (d.entryWidth == 4 && (value >>> 32) != 0) {
                throw c.err(en, e.p("entry"), Values.hex(value) + " does not fit a 4-byte (legacy2) entry");
            }
            ptes.add(new PteSpec(table, idx, value, c.str(en, e.p("entry")).strip()));
        });
        List<MappingSpec> mappings = new ArrayList<>();
        forEach(f, "mappings", (item, p) -> mappings.add(mapping(item, p, d)));
        List<MemoryInit> memory = new ArrayList<>();
        forEach(f, "memory", (item, p) -> {
            Fields e = c.map(item, p).only("frame", "offset", "size", "value");
            long frame = Exprs.frame(c, e.req("frame"), e.p("frame"), d, doms);
            int offset = (int) e.num("offset", 0, 0, 4095);
            int size = size(e, "size", 8, false);
            if (offset + size > 4096) {
                throw c.err(e.req("offset"), e.p("offset"), "offset " + offset + " + size " + size
                        + " runs past the end of the 4 KiB frame");
            }
            Node vn = e.req("value");
            long value = Exprs.entry(c, vn, e.p("value"), d, doms, true);
            checkFits(vn, e.p("value"), value, size);
            memory.add(new MemoryInit(frame, offset, size, value));
        });
        List<TrapInfoSpec> traps = new ArrayList<>();
        forEach(f, "trap_table", (item, p) -> traps.add(trapInfo(item, p)));
        List<DeviceSpec> devices = new ArrayList<>();
        Set<String> deviceNames = new java.util.HashSet<>();
        forEach(f, "devices", (item, p) -> {
            Fields e = c.map(item, p).only("name", "model", "gfn", "registers");
            String dn = c.str(e.req("name"), e.p("name"));
            if (!deviceNames.add(dn)) {
                throw c.err(e.req("name"), e.p("name"), "duplicate device name '" + dn + "'");
            }
            String model = c.str(e.req("model"), e.p("model"));
            long gfn = Exprs.frame(c, e.req("gfn"), e.p("gfn"), d, doms);
            TreeMap<Integer, Long> regs = new TreeMap<>();
            if (e.has("registers")) {
                Fields r = c.map(e.get("registers"), e.p("registers"));
                for (Node.Entry re : r.node.entries().values()) {
                    String rp = r.p(re.key());
                    java.math.BigInteger off = Values.parseBig(re.key());
                    if (off == null || off.signum() < 0 || off.compareTo(java.math.BigInteger.valueOf(4095)) > 0) {
                        throw c.err(re.keyLocation(), rp, "a register is named by its byte offset 0..4095, not '"
                                + re.key() + "'");
                    }
                    if (regs.put(off.intValue(), c.u64(re.value(), rp)) != null) {
                        throw c.err(re.keyLocation(), rp, "register offset " + off + " is given twice");
                    }
                }
            }
            devices.add(new DeviceSpec(dn, model, gfn, regs));
        });
        List<P2mSpec> p2m = new ArrayList<>();
        forEach(f, "p2m", (item, p) -> {
            Fields e = c.map(item, p).only("gfn", "type", "mfn", "device");
            long gfn = Exprs.frame(c, e.req("gfn"), e.p("gfn"), d, doms);
            String type = c.word(e.req("type"), e.p("type"), ScenarioLoader::p2mType);
            Long mfn = e.has("mfn") ? Exprs.checkFrame(c, e.get("mfn"), e.p("mfn"), c.big(e.get("mfn"), e.p("mfn")), d)
                    : null;
            String device = e.str("device", null);
            if (device != null && !deviceNames.contains(device)) {
                throw c.err(e.get("device"), e.p("device"), "no device named '" + device + "' in " + f.p("devices"));
            }
            p2m.add(new P2mSpec(gfn, mfn, type, device));
        });
        SequencedMap<String, Long> params = new LinkedHashMap<>();
        if (f.has("params")) {
            Fields pr = c.map(f.get("params"), f.p("params"));
            for (Node.Entry e : pr.node.entries().values()) {
                if (!IDENT.matcher(e.key()).matches()) {
                    throw c.err(e.keyLocation(), pr.p(e.key()), "'" + e.key() + "' is not a valid param name");
                }
                params.put(e.key(), c.u64(e.value(), pr.p(e.key())));
            }
        }
        return new DomainSpec(name, kind, paging, hwdom, vmAssist, d.frames, spare, ptes, mappings, memory, vcpus,
                traps, p2m, devices, params);
    }

    static final List<String> P2M_TYPES = List.of("ram_rw", "ram_logdirty", "ram_ro", "mmio_dm", "mmio_direct",
            "populate_on_demand", "ram_paged", "ram_paging_out", "ram_shared", "ram_broken", "invalid");

    static String p2mType(String s) {
        if (!P2M_TYPES.contains(s)) {
            throw new IllegalArgumentException("unknown p2m type '" + s + "' (expected " + String.join(", ", P2M_TYPES)
                    + ")");
        }
        return s;
    }

    private interface ItemReader {
        void read(Node item, String path);
    }

    private void forEach(Fields f, String key, ItemReader r) {
        if (!f.has(key)) {
            return;
        }
        Node.ListNode l = c.list(f.get(key), f.p(key));
        for (int i = 0; i < l.items().size(); i++) {
            r.read(l.items().get(i), Ctx.index(f.p(key), i));
        }
    }

    private MappingSpec mapping(Node item, String p, Dom d) {
        Fields e = c.map(item, p).only("va", "frame", "flags", "size", "upper", "root");
        long size = e.has("size") ? c.word(e.get("size"), e.p("size"), ScenarioLoader::pageSize) : PageSizes.SIZE_4K;
        Node van = e.req("va");
        long va = c.u64(van, e.p("va"));
        if ((va & (size - 1)) != 0) {
            throw c.err(van, e.p("va"), "va " + Values.hex(va) + " is not aligned to the " + PageSizes.name(size)
                    + " page size");
        }
        Node fn = e.req("frame");
        long frame = Exprs.frame(c, fn, e.p("frame"), d, doms);
        long flags = Exprs.entry(c, e.req("flags"), e.p("flags"), d, doms, false);
        long upper = e.has("upper") ? Exprs.entry(c, e.get("upper"), e.p("upper"), d, doms, false)
                : 0x7L; // P|RW|US
        long root;
        if (e.has("root")) {
            root = Exprs.frame(c, e.get("root"), e.p("root"), d, doms);
        } else if (d.rootFrame != null) {
            root = d.rootFrame;
        } else {
            throw c.err(item, e.p("root"), "no root table: give root, or a cr3 to vCPU 0");
        }
        return new MappingSpec(va, frame, size, flags, upper, root, c.str(fn, e.p("frame")).strip());
    }

    static long pageSize(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "4k" -> PageSizes.SIZE_4K;
            case "2m" -> PageSizes.SIZE_2M;
            case "4m" -> PageSizes.SIZE_4M;
            case "1g" -> PageSizes.SIZE_1G;
            default -> throw new IllegalArgumentException("unknown page size '" + s + "' (expected 4k, 2m, 4m or 1g)");
        };
    }

    private TrapInfoSpec trapInfo(Node item, String p) {
        return trapInfo(c, item, p);
    }

    /** One {@code trap_info}: {@code {vector, cs, address, flags}}. */
    static TrapInfoSpec trapInfo(Ctx c, Node item, String p) {
        Fields e = c.map(item, p).only("vector", "cs", "address", "flags");
        int vector = (int) c.num(e.req("vector"), e.p("vector"), 0, 255);
        int cs = (int) c.num(e.req("cs"), e.p("cs"), 0, 0xffff);
        long address = e.reqU64("address");
        int flags = (int) e.num("flags", 0, 0, 255);
        return new TrapInfoSpec(vector, flags, cs, address);
    }

    private List<VcpuSpec> vcpus(Fields f, Dom d) {
        Node.ListNode l = c.list(f.req("vcpus"), f.p("vcpus"));
        if (l.items().isEmpty()) {
            throw c.err(l, f.p("vcpus"), "at least one vCPU is needed");
        }
        List<VcpuSpec> out = new ArrayList<>();
        for (int i = 0; i < l.items().size(); i++) {
            out.add(vcpu(l.items().get(i), Ctx.index(f.p("vcpus"), i), d));
        }
        return out;
    }

    private VcpuSpec vcpu(Node n, String path, Dom d) {
        DomainKind kind = d.kind;
        Fields f = c.map(n, path).only("mode", "cr3", "controls", "pkru", "pkrs", "cpl", "pv_kernel_mode", "user_cr3",
                "rip", "rsp", "rflags", "kernel_sp", "kernel_ss", "idt");
        String pvOnly = "only PV vCPUs have this; this domain is " + kind.wireName();
        if (!kind.pv()) {
            f.forbid("pv_kernel_mode", pvOnly);
            f.forbid("user_cr3", pvOnly);
            f.forbid("kernel_sp", pvOnly);
            f.forbid("kernel_ss", pvOnly);
        } else {
            f.forbid("cpl", "a PV vCPU's privilege level follows pv_kernel_mode (cpl is for HVM and bare vCPUs)");
            f.forbid("idt", "a PV guest registers its handlers with trap_table, not an IDT");
        }
        if (kind == DomainKind.PV32) {
            f.forbid("user_cr3", "only 64-bit PV guests have a separate user page table");
        }
        PagingMode mode = kind == DomainKind.PV32 ? PagingMode.PAE : PagingMode.LONG4;
        if (f.has("mode")) {
            Node mn = f.get("mode");
            String m = c.str(mn, f.p("mode"));
            if (m.equals("off")) {
                if (!kind.hvm()) {
                    throw c.err(mn, f.p("mode"), "only HVM vCPUs can run with paging off; this domain is "
                            + kind.wireName());
                }
                mode = null;
            } else {
                mode = c.word(mn, f.p("mode"), ScenarioLoader::pagingMode);
            }
            if (kind == DomainKind.PV64 && mode != PagingMode.LONG4) {
                throw c.err(mn, f.p("mode"), "a pv64 vCPU runs in long4 (64-bit PV guests use 4-level paging)");
            }
            if (kind == DomainKind.PV32 && mode != PagingMode.PAE && mode != PagingMode.LEGACY2) {
                throw c.err(mn, f.p("mode"), "a pv32 vCPU runs in pae (or legacy2), not " + m);
            }
        }
        long cr3 = 0;
        if (f.has("cr3")) {
            cr3 = Exprs.frameAddress(c, f.get("cr3"), f.p("cr3"), d, doms);
        } else if (mode != null) {
            throw c.err(f.at(), f.p("cr3"), "required key missing (a paged vCPU needs cr3)");
        }
        Set<ControlFlag> controls = f.has("controls")
                ? setOf(ControlFlag.class, c.words(f.get("controls"), f.p("controls"), ControlFlag::fromWire))
                : EnumSet.noneOf(ControlFlag.class);
        int pkru = (int) f.num("pkru", 0, 0, 0xffff_ffffL);
        int pkrs = (int) f.num("pkrs", 0, 0, 0xffff_ffffL);
        int cpl = (int) f.num("cpl", 0, 0, 3);
        boolean kernelMode = f.bool("pv_kernel_mode", true);
        long userCr3 = f.has("user_cr3") ? Exprs.frameAddress(c, f.get("user_cr3"), f.p("user_cr3"), d, doms) : 0;
        long rip = f.u64("rip", 0);
        long rsp = f.u64("rsp", 0);
        long rflags = f.u64("rflags", 0x202);
        long kernelSp = f.u64("kernel_sp", 0);
        int kernelSs = (int) f.num("kernel_ss", 0xe02b, 0, 0xffff);
        IdtSpec idt = f.has("idt") ? idt(f.get("idt"), f.p("idt")) : null;
        return new VcpuSpec(mode, cr3, controls, pkru, pkrs, cpl, kernelMode, userCr3, rip, rsp, rflags, kernelSp,
                kernelSs, idt);
    }

    static PagingMode pagingMode(String s) {
        try {
            return PagingMode.fromWire(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown paging mode '" + s
                    + "' (expected legacy2, pae, long4, long5 or off)", e);
        }
    }

    private IdtSpec idt(Node n, String path) {
        Fields f = c.map(n, path).only("base", "rsp0", "ist", "gates");
        long base = f.reqU64("base");
        long rsp0 = f.u64("rsp0", 0);
        List<Long> ist = new ArrayList<>();
        if (f.has("ist")) {
            Node.ListNode l = c.list(f.get("ist"), f.p("ist"));
            if (l.items().size() > 7) {
                throw c.err(l, f.p("ist"), "the TSS has 7 IST stacks, not " + l.items().size());
            }
            for (int i = 0; i < l.items().size(); i++) {
                ist.add(c.u64(l.items().get(i), Ctx.index(f.p("ist"), i)));
            }
        }
        List<GateSpec> gates = new ArrayList<>();
        Set<Integer> vectors = new java.util.HashSet<>();
        forEach(f, "gates", (item, p) -> {
            Fields g = c.map(item, p).only("vector", "handler", "selector", "type", "dpl", "ist", "present");
            int vector = (int) c.num(g.req("vector"), g.p("vector"), 0, 255);
            if (!vectors.add(vector)) {
                throw c.err(g.req("vector"), g.p("vector"), "vector " + vector + " has two gates");
            }
            long handler = g.reqU64("handler");
            int selector = (int) g.num("selector", 8, 0, 0xffff);
            boolean trap = g.has("type") && c.word(g.get("type"), g.p("type"), s -> switch (s) {
                case "interrupt" -> false;
                case "trap" -> true;
                default -> throw new IllegalArgumentException("unknown gate type '" + s
                        + "' (expected interrupt or trap)");
            });
            int dpl = (int) g.num("dpl", 0, 0, 3);
            int gist = (int) g.num("ist", 0, 0, 7);
            boolean present = g.bool("present", true);
            gates.add(new GateSpec(vector, handler, selector, trap, dpl, gist, present));
        });
        return new IdtSpec(base, gates, rsp0, ist);
    }

    // ---------------------------------------------------------------- steps

    private Step step(Node n, int i, List<DomainSpec> domains) {
        String path = "steps[" + i + "]";
        Fields f = c.map(n, path);
        Node opn = f.req("op");
        String op = c.word(opn, f.p("op"), s -> {
            if (!OPS.contains(s)) {
                throw new IllegalArgumentException("unknown op '" + s + "' (expected " + String.join(", ", OPS) + ")");
            }
            return s;
        });
        List<String> allowed = new ArrayList<>(STEP_COMMON);
        allowed.addAll(OP_KEYS.get(op));
        if (op.equals("hypercall")) {
            allowed.addAll(Hypercalls.argKeys(c, f));
        }
        f.only(allowed);
        String domain = f.str("domain", domains.get(0).name());
        Dom d = doms.byName.get(domain);
        if (d == null) {
            throw c.err(f.get("domain"), f.p("domain"), "no domain named '" + domain + "'"
                    + Ctx.suggestion(domain, doms.byName.keySet()) + " (domains: "
                    + String.join(", ", doms.byName.keySet()) + ")");
        }
        int vcpu = (int) f.num("vcpu", 0, 0, 4095);
        if (vcpu >= d.vcpus) {
            throw c.err(f.get("vcpu"), f.p("vcpu"), "domain " + d.name + " has " + d.vcpus + " vCPU"
                    + (d.vcpus == 1 ? "" : "s") + " (0.." + (d.vcpus - 1) + ")");
        }
        Operation operation = switch (op) {
            case "access" -> access(f, d);
            case "hypercall" -> {
                if (!d.kind.pv()) {
                    throw c.err(opn, f.p("op"), "hypercalls are made by PV domains; domain " + d.name + " is "
                            + d.kind.wireName());
                }
                yield new Hypercall(new Hypercalls(c, doms).call(f, d));
            }
            case "cr_write" -> crWrite(f, d);
            case "invlpg" -> new Invlpg(f.reqU64("va"));
            case "host_write" -> hostWrite(f, d);
            default -> throw new IllegalStateException(op);
        };
        Knobs knobs = f.has("knobs") ? knobs(f.get("knobs"), f.p("knobs"), d) : Knobs.NONE;
        Expectation expect = f.has("expect")
                ? new Expectations(c, d, doms).read(f.get("expect"), f.p("expect")) : null;
        String note = f.str("note", null);
        return new Step(domain, vcpu, operation, knobs, expect, note, n.location().line());
    }

    private GuestAccess access(Fields f, Dom d) {
        long va = f.reqU64("va");
        AccessKind kind = c.word(f.req("kind"), f.p("kind"), AccessKind::fromWire);
        Insn insn = kind == AccessKind.WRITE ? Insn.MOV : Insn.LOAD;
        if (f.has("insn")) {
            Node in = f.get("insn");
            insn = c.word(in, f.p("insn"), Insn::fromWire);
            Set<Insn> ok = switch (kind) {
                case WRITE -> EnumSet.of(Insn.MOV, Insn.CMPXCHG, Insn.XCHG, Insn.LOCK_OR, Insn.MOVDQU);
                case READ -> EnumSet.of(Insn.LOAD, Insn.MOVDQU);
                case FETCH -> EnumSet.of(Insn.LOAD);
            };
            if (!ok.contains(insn)) {
                throw c.err(in, f.p("insn"), insn.wireName() + " cannot do a " + kind.wireName() + " (expected "
                        + String.join(", ", ok.stream().map(Insn::wireName).toList()) + ")");
            }
        }
        int defSize = insn == Insn.MOVDQU ? 16 : kind == AccessKind.FETCH ? 1 : 8;
        int size = size(f, "size", defSize, insn == Insn.MOVDQU);
        if (insn == Insn.MOVDQU && size != 16) {
            throw c.err(f.get("size"), f.p("size"), "movdqu accesses 16 bytes");
        }
        Long value = null;
        if (kind == AccessKind.WRITE) {
            Node vn = f.req("value");
            value = Exprs.entry(c, vn, f.p("value"), d, doms, true);
            checkFits(vn, f.p("value"), value, size);
        } else {
            f.forbid("value", "only writes have a value");
        }
        Long compare = null;
        if (f.has("compare")) {
            if (insn != Insn.CMPXCHG) {
                throw c.err(f.entry("compare").keyLocation(), f.p("compare"), "compare is for insn: cmpxchg");
            }
            Node cn = f.get("compare");
            compare = Exprs.entry(c, cn, f.p("compare"), d, doms, true);
            checkFits(cn, f.p("compare"), compare, size);
        }
        Integer cpl = f.has("cpl") ? (int) f.num("cpl", 0, 0, 3) : null;
        boolean implicit = f.bool("implicit", false);
        boolean stack = f.bool("stack", false);
        return new GuestAccess(va, kind, size, value, cpl, implicit, stack, insn, compare);
    }

    /** 1, 2, 4 or 8 (16 when {@code wide}). */
    private int size(Fields f, String key, int def, boolean wide) {
        Node n = f.get(key);
        if (n == null) {
            return def;
        }
        long s = c.num(n, f.p(key), 0, 64);
        if (s != 1 && s != 2 && s != 4 && s != 8 && !(wide && s == 16)) {
            throw c.err(n, f.p(key), "size " + s + " is not 1, 2, 4 or 8" + (wide ? " (or 16 for movdqu)" : ""));
        }
        return (int) s;
    }

    private void checkFits(Node n, String path, long value, int size) {
        if (size < 8 && (value >>> (8 * size)) != 0) {
            throw c.err(n, path, Values.hex(value) + " does not fit in " + size + " byte" + (size == 1 ? "" : "s"));
        }
    }

    private ControlWrite crWrite(Fields f, Dom d) {
        if (!f.has("cr3") && !f.has("set") && !f.has("clear") && !f.has("mode") && !f.has("pkru")) {
            throw c.err(f.at(), f.path, "cr_write changes nothing: give cr3, set, clear, mode or pkru");
        }
        Long cr3 = f.has("cr3") ? Exprs.frameAddress(c, f.get("cr3"), f.p("cr3"), d, doms) : null;
        List<ControlFlag> set = f.has("set") ? c.words(f.get("set"), f.p("set"), ControlFlag::fromWire) : List.of();
        List<ControlFlag> clear = f.has("clear") ? c.words(f.get("clear"), f.p("clear"), ControlFlag::fromWire)
                : List.of();
        for (ControlFlag cf : clear) {
            if (set.contains(cf)) {
                throw c.err(f.get("clear"), f.p("clear"), cf.wireName() + " is both set and cleared");
            }
        }
        PagingMode mode = null;
        if (f.has("mode")) {
            Node mn = f.get("mode");
            if (c.str(mn, f.p("mode")).equals("off")) {
                throw c.err(mn, f.p("mode"), "turning paging off in a step is not supported yet (the model has no "
                        + "such operation)");
            }
            mode = c.word(mn, f.p("mode"), ScenarioLoader::pagingMode);
        }
        Integer pkru = f.has("pkru") ? (int) f.num("pkru", 0, 0, 0xffff_ffffL) : null;
        return new ControlWrite(cr3, setOf(ControlFlag.class, set), setOf(ControlFlag.class, clear), mode, pkru);
    }

    private HostWrite hostWrite(Fields f, Dom d) {
        long pa = Exprs.address(c, f.req("pa"), f.p("pa"), d, doms);
        int size = size(f, "size", 8, false);
        Node vn = f.req("value");
        long value = Exprs.entry(c, vn, f.p("value"), d, doms, true);
        checkFits(vn, f.p("value"), value, size);
        return new HostWrite(pa, size, value);
    }

    private Knobs knobs(Node n, String path, Dom d) {
        Fields f = c.map(n, path).only("emulator_fails", "pending_event", "shadow_oom", "events_pending");
        if (d.kind == DomainKind.BARE) {
            throw c.err(n, path, "knobs inject faults into Xen; domain " + d.name + " is bare (no Xen)");
        }
        if (!d.kind.hvm()) {
            f.forbid("pending_event", "pending_event is an HVM knob (an event being delivered at the VM exit)");
        }
        if (!d.kind.pv()) {
            f.forbid("events_pending", "events_pending is a PV knob (an event-channel upcall on return)");
        }
        EventSpec ev = null;
        if (f.has("pending_event")) {
            Fields e = c.map(f.get("pending_event"), f.p("pending_event")).only("vector", "type", "error_code");
            int vector = (int) c.num(e.req("vector"), e.p("vector"), 0, 255);
            String type = c.word(e.req("type"), e.p("type"), s -> {
                if (!EVENT_TYPES.contains(s)) {
                    throw new IllegalArgumentException("unknown event type '" + s + "' (expected "
                            + String.join(", ", EVENT_TYPES) + ")");
                }
                return s;
            });
            Integer ec = e.has("error_code") ? (int) c.num(e.get("error_code"), e.p("error_code"), 0, 0xffff_ffffL)
                    : null;
            ev = new EventSpec(vector, type, ec);
        }
        return new Knobs(f.bool("emulator_fails", false), ev, f.bool("shadow_oom", false),
                f.bool("events_pending", false));
    }

    static final List<String> EVENT_TYPES = List.of("ext_intr", "nmi", "hw_exc", "sw_int", "priv_sw_exc", "sw_exc");
}
