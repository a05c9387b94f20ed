package app.clivy.aiworker;

import app.clivy.aiworker.config.HeapFootprint;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class AiWorkerApplication {
    public static void main(String[] args) {
        HeapFootprint.apply(); // plain java -jar: a heap sized for the worker, not for the host
        SpringApplication.run(AiWorkerApplication.class, args);
    }
}
