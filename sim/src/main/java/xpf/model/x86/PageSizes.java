package xpf.model.x86;

/** The leaf sizes of x86-paging.md §1.1a. */
public final class PageSizes {
    public static final long SIZE_4K = 1L << 12;
    public static final long SIZE_2M = 1L << 21;
    public static final long SIZE_4M = 1L << 22;
    public static final long SIZE_1G = 1L << 30;

    private PageSizes() {
    }

    public static String name(Long size) {
        if (size == null) {
            return "-";
        }
        if (size == SIZE_4K) {
            return "4K";
        }
        if (size == SIZE_2M) {
            return "2M";
        }
        if (size == SIZE_4M) {
            return "4M";
        }
        if (size == SIZE_1G) {
            return "1G";
        }
        return Long.toString(size);
    }
}
