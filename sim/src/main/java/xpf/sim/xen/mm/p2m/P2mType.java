package xpf.sim.xen.mm.p2m;

/**
 * Xen's p2m types with their numeric values ({@code p2m_type_t}, asm/p2m.h; xen-hvm-fault-path.md §5.2) and the
 * predicates Xen's fault paths ask ({@code p2m_is_ram}, {@code p2m_is_readonly}, {@code p2m_is_discard_write},
 * {@code p2m_is_paging}, ...).
 */
public enum P2mType {
    RAM_RW(0, "ram_rw"),
    INVALID(1, "invalid"),
    RAM_LOGDIRTY(2, "ram_logdirty"),
    RAM_RO(3, "ram_ro"),
    MMIO_DM(4, "mmio_dm"),
    MMIO_DIRECT(5, "mmio_direct"),
    POPULATE_ON_DEMAND(6, "populate_on_demand"),
    GRANT_MAP_RW(7, "grant_map_rw"),
    GRANT_MAP_RO(8, "grant_map_ro"),
    RAM_PAGING_OUT(9, "ram_paging_out"),
    RAM_PAGED(10, "ram_paged"),
    RAM_PAGING_IN(11, "ram_paging_in"),
    RAM_SHARED(12, "ram_shared"),
    RAM_BROKEN(13, "ram_broken"),
    MAP_FOREIGN(14, "map_foreign"),
    IOREQ_SERVER(15, "ioreq_server");

    private final int value;
    private final String wireName;

    P2mType(int value, String wireName) {
        this.value = value;
        this.wireName = wireName;
    }

    /** Xen's numeric value (traced in TRC_HVM_NPF). */
    public int value() {
        return value;
    }

    public String wireName() {
        return wireName;
    }

    public static P2mType fromWire(String s) {
        for (P2mType t : values()) {
            if (t.wireName.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown p2m type '" + s + "'");
    }

    /** {@code p2m_is_ram}: P2M_RAM_TYPES = rw, logdirty, ro, paging_out, paged, paging_in, shared. */
    public boolean isRam() {
        return switch (this) {
            case RAM_RW, RAM_LOGDIRTY, RAM_RO, RAM_PAGING_OUT, RAM_PAGED, RAM_PAGING_IN, RAM_SHARED -> true;
            default -> false;
        };
    }

    /** {@code p2m_is_readonly}: P2M_RO_TYPES = logdirty, ro, grant_map_ro, shared (and ioreq_server writes trap). */
    public boolean isReadOnly() {
        return switch (this) {
            case RAM_LOGDIRTY, RAM_RO, GRANT_MAP_RO, RAM_SHARED, IOREQ_SERVER -> true;
            default -> false;
        };
    }

    /** {@code p2m_is_discard_write}: writes are silently dropped (ram_ro, grant_map_ro). */
    public boolean isDiscardWrite() {
        return this == RAM_RO || this == GRANT_MAP_RO;
    }

    /** {@code p2m_is_paging}: paging_out, paged, paging_in. */
    public boolean isPaging() {
        return this == RAM_PAGING_OUT || this == RAM_PAGED || this == RAM_PAGING_IN;
    }

    public boolean isMmio() {
        return this == MMIO_DM || this == MMIO_DIRECT;
    }

    /** {@code p2m_is_grant}. */
    public boolean isGrant() {
        return this == GRANT_MAP_RW || this == GRANT_MAP_RO;
    }
}
