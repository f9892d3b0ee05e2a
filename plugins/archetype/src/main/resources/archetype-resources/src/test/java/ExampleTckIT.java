package ${package};

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;

/**
 * The Coffer TCK against this plugin's zip, after {@code package}: a real control, a real agent that
 * loads target/plugins/${engine}.zip, and the server it supervises. The per-capability report is
 * printed at the end and written to target/coffer-tck/${engine}.txt.
 */
class ExampleTckIT extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return new ExampleProvider();
  }
}
