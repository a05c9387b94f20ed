package app.clivy.aiworker.config;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The worker's own Jackson mappers. Jackson keeps its parse and write buffers per thread by
 * default, for as long as the thread lives: with 512 job threads (and the web server's) that held
 * about 20 MB of a 144 MB heap for ever, and a full heap made the collector run in a loop
 * (bench/README.md, round 5). These mappers take their buffers from one pool shared by all threads
 * and bounded in size, so the buffers kept are about as many as are in use at once.
 */
public final class JsonMappers {

    private JsonMappers() {
    }

    /** A factory builder with the shared buffer pool, for a mapper that needs more settings. */
    public static JsonFactoryBuilder factoryBuilder() {
        return new JsonFactoryBuilder().recyclerPool(JsonRecyclerPools.sharedBoundedPool());
    }

    /** A plain mapper (Jackson's defaults) with the shared buffer pool. */
    public static ObjectMapper create() {
        return new ObjectMapper(factoryBuilder().build());
    }
}
