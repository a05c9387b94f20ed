package app.clivy.aiworker.gateway;

import java.util.Map;

/**
 * One POST to a gateway's send API.
 *
 * @param path    appended to the gateway's base URL
 * @param headers the auth header(s); values are secrets, never logged
 * @param body    the JSON body
 */
public record SendRequest(String path, Map<String, String> headers, String body) {
}
