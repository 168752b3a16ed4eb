package xpf.prop.report;

import java.nio.file.Path;

/**
 * The one command that replays a saved counterexample from the repository root, e.g.
 * {@code ./mvnw -B -pl properties -am test -Dtest=Planted#sum -Dprop.replay=properties/target/prop-failures/x.json
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -am} builds the sibling modules the test module needs;
 * {@code failIfNoSpecifiedTests=false} keeps those modules, which have no such test, from failing the build.
 */
public final class ReplayCommand {
    private ReplayCommand() {
    }

    /**
     * @param propertyId  {@code fully.qualified.Class#method}, optionally followed by {@code /name}
     * @param projectRoot the repository root (where {@code ./mvnw} is), or null when unknown
     * @param moduleDir   the module the test runs in (the test JVM's working directory)
     */
    public static String maven(String propertyId, Path choiceFile, Path projectRoot, Path moduleDir) {
        Path file = choiceFile.toAbsolutePath().normalize();
        String module = null;
        if (projectRoot != null) {
            Path root = projectRoot.toAbsolutePath().normalize();
            Path mod = moduleDir.toAbsolutePath().normalize();
            if (file.startsWith(root)) {
                file = root.relativize(file);
            }
            if (mod.startsWith(root) && !mod.equals(root)) {
                module = root.relativize(mod).toString();
            }
        }
        StringBuilder sb = new StringBuilder("./mvnw -B");
        if (module != null) {
            sb.append(" -pl ").append(module).append(" -am");
        }
        sb.append(" test");
        String test = testFilter(propertyId);
        if (test != null) {
            sb.append(" -Dtest=").append(test);
        }
        sb.append(" -Dprop.replay=").append(file);
        if (module != null) {
            sb.append(" -Dsurefire.failIfNoSpecifiedTests=false");
        }
        return sb.toString();
    }

    /** {@code Class#method} from a property id, or null when the id names no test method. */
    static String testFilter(String propertyId) {
        int hash = propertyId.indexOf('#');
        if (hash < 0) {
            return null;
        }
        String cls = propertyId.substring(0, hash);
        String method = propertyId.substring(hash + 1);
        int slash = method.indexOf('/');
        if (slash >= 0) {
            method = method.substring(0, slash);
        }
        return cls.substring(cls.lastIndexOf('.') + 1) + "#" + method;
    }

    /** A file name for a property's artifacts: {@code Class.method[.name]}, safe for any shell and filesystem. */
    public static String baseName(String propertyId) {
        String id = propertyId;
        int hash = id.indexOf('#');
        if (hash >= 0) {
            String cls = id.substring(0, hash);
            id = cls.substring(cls.lastIndexOf('.') + 1) + "." + id.substring(hash + 1);
        }
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
