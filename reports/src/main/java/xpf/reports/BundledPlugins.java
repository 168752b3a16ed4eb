package xpf.reports;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qameta.allure.Extension;
import io.qameta.allure.PluginConfiguration;
import io.qameta.allure.core.Plugin;
import io.qameta.allure.plugin.DefaultPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The report plugins: the Allure command line's Behaviors (epic / feature / story tree) and Packages tabs, and xpf's
 * own plugin (the overview widget and the "xpf" tab, see {@link XpfContent}). The command line's plugins come from
 * its distribution zip, unpacked into xpf.jar's resources at build time ({@code xpf/allure-plugins/<id>-plugin/}); they
 * are copied to a work folder here and their jar is loaded as the command line does.
 */
final class BundledPlugins {

    static final String ALLURE_VERSION = "2.34.0";
    private static final String BASE = "xpf/allure-plugins/";

    private BundledPlugins() {
    }

    static List<Plugin> load(Path work, XpfContent xpf) {
        List<Plugin> out = new ArrayList<>();
        for (String id : List.of("behaviors", "packages")) {
            out.add(cliPlugin(work, id));
        }
        out.add(xpfPlugin(work, xpf));
        return out;
    }

    private static Plugin cliPlugin(Path work, String id) {
        String dir = id + "-plugin";
        Path target = work.resolve(dir);
        copy(BASE + dir + "/allure-plugin.yml", target.resolve("allure-plugin.yml"));
        copy(BASE + dir + "/static/index.js", target.resolve("static/index.js"));
        String jarName = dir + "-" + ALLURE_VERSION + ".jar";
        Path jar = target.resolve(jarName);
        copy(BASE + dir + "/" + jarName, jar);
        try {
            PluginConfiguration config = new ObjectMapper(new YAMLFactory())
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(target.resolve("allure-plugin.yml").toFile(), PluginConfiguration.class);
            @SuppressWarnings("resource") // lives as long as the report generation; the JVM ends after
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    BundledPlugins.class.getClassLoader());
            List<Extension> extensions = new ArrayList<>();
            for (String cls : config.getExtensions()) {
                extensions.add((Extension) loader.loadClass(cls).getDeclaredConstructor().newInstance());
            }
            return new DefaultPlugin(config, extensions, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the Allure plugin " + id, e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the Allure plugin " + id + ": " + e, e);
        }
    }

    private static Plugin xpfPlugin(Path work, XpfContent xpf) {
        Path target = work.resolve("xpf-plugin");
        copy(BASE + "xpf-plugin/static/index.js", target.resolve("static/index.js"));
        copy(BASE + "xpf-plugin/static/styles.css", target.resolve("static/styles.css"));
        PluginConfiguration config = new PluginConfiguration().setId("xpf").setName("xpf")
                .setDescription("xpf: Xen outcome mix, coverage catalogue, rule coverage, performance")
                .setJsFiles(List.of("index.js")).setCssFiles(List.of("styles.css"))
                .setExtensions(List.of(XpfContent.class.getName()));
        return new DefaultPlugin(config, List.of(xpf), target);
    }

    private static void copy(String resource, Path to) {
        try (InputStream in = BundledPlugins.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (build the reports module)");
            }
            Files.createDirectories(to.getParent());
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource, e);
        }
    }
}
