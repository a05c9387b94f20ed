package app.clivy.aiworker.instances;

/** The job's instance is switched off in its settings: the job ends without a call (routes/04 outcome-instance-disabled). */
public class InstanceDisabledException extends RuntimeException {

    public InstanceDisabledException(String message) {
        super(message, null, false, false);
    }
}
