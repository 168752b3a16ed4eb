package xpf.model.x86;

/** The three kinds of linear-address access of x86-paging.md §1.1c. */
public enum AccessKind {
    READ("read"),
    WRITE("write"),
    FETCH("fetch");

    private final String wireName;

    AccessKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static AccessKind fromWire(String s) {
        for (AccessKind k : values()) {
            if (k.wireName.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown access kind '" + s + "' (expected read, write or fetch)");
    }
}
