package app.clivy.aiworker;

import java.util.OptionalInt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class AiWorkerApplication {
    public static void main(String[] args) {
        // plain `java -jar` with no heap, GC or JIT options: the worker runs in a child JVM with them
        OptionalInt childExit = JvmRelaunch.runInChildWhenBare(args);
        if (childExit.isPresent()) {
            System.exit(childExit.getAsInt());
            return;
        }
        JvmRelaunch.endWithParent();
        SpringApplication.run(AiWorkerApplication.class, args);
    }
}
