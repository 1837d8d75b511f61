package policysearch;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, with the modules a cluster of policy-search needs on
 * the classpath (Maven Central's jars: no distribution, no Docker). Arguments: cluster
 * name, node name, home folder, HTTP port, transport port, the seed hosts' transport
 * addresses and the nodes that bootstrap the cluster (comma-separated). Runs until the
 * process is told to stop, then closes the node.
 */
public final class Launcher {
    private Launcher() {}

    /** A node whose plugins are classes on the classpath (2.x: the protected constructor). */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment) {
            super(
                environment,
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class),
                true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: Launcher CLUSTER NODE HOME HTTP_PORT TRANSPORT_PORT SEEDS MANAGERS");
            System.exit(2);
        }
        String name = args[1];
        Path home = Path.of(args[2]);
        Settings settings = Settings.builder()
            .put("cluster.name", args[0])
            .put("node.name", name)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", args[3])
            .put("transport.port", args[4])
            .putList("discovery.seed_hosts", Arrays.asList(args[5].split(",")))
            .putList("cluster.initial_cluster_manager_nodes", Arrays.asList(args[6].split(",")))
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), home.resolve("config"), () -> name);
        Node node = new ClasspathNode(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        node.start();
        System.out.println("started " + name);
        Thread.currentThread().join();
    }
}
