package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.StageRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Which config keys are secret, and the encrypt / decrypt / mask passes over stages. A key is
 * secret if any version of the processor the catalog has seen marks it {@code secret: true}, so a
 * key stays protected when a pipeline pins an older version.
 */
final class SecretFields {

  private final SecretBox box;

  SecretFields(SecretBox box) {
    this.box = box;
  }

  /** Secret config keys per processor id, for the processors of {@code stages}. */
  static Map<String, Set<String>> lookup(Handle h, Collection<StageRecord> stages) {
    Set<String> ids = new TreeSet<>();
    for (StageRecord s : stages) {
      ids.add(s.processor());
    }
    Map<String, Set<String>> secret = new HashMap<>();
    if (ids.isEmpty()) {
      return secret;
    }
    h.createQuery("SELECT processor_id, descriptor FROM processor_versions WHERE processor_id IN (<ids>)")
        .bindList("ids", new ArrayList<>(ids))
        .map((rs, ctx) -> Map.entry(rs.getString("processor_id"), rs.getString("descriptor")))
        .forEach(e -> secret.computeIfAbsent(e.getKey(), k -> new HashSet<>()).addAll(secretKeys(e.getValue())));
    return secret;
  }

  private static Set<String> secretKeys(String descriptorJson) {
    Set<String> keys = new HashSet<>();
    Object config = Json.readMap(descriptorJson).get("config");
    if (config instanceof List<?> fields) {
      for (Object f : fields) {
        if (f instanceof Map<?, ?> field && Boolean.TRUE.equals(field.get("secret")) && field.get("name") instanceof String n) {
          keys.add(n);
        }
      }
    }
    return keys;
  }

  private static boolean isSecret(Map<String, Set<String>> secret, StageRecord s, String key) {
    return secret.getOrDefault(s.processor(), Set.of()).contains(key);
  }

  /**
   * The stages as they are stored: secret values encrypted, {@code {"set": true}} replaced by the
   * base revision's value for the stage of the same name.
   *
   * @param base the stored stages of the revision being edited (encrypted), or an empty list
   * @param baseLabel names the base in errors, e.g. {@code revision 4}
   */
  List<StageRecord> seal(
      List<StageRecord> stages, List<StageRecord> base, String baseLabel, Map<String, Set<String>> secret) {
    Map<String, StageRecord> baseByName = new HashMap<>();
    for (StageRecord b : base) {
      baseByName.put(b.name(), b);
    }
    List<StageRecord> out = new ArrayList<>(stages.size());
    for (StageRecord s : stages) {
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : s.config().entrySet()) {
        String key = e.getKey();
        Object value = e.getValue();
        boolean secretKey = isSecret(secret, s, key);
        if (SecretBox.isEncrypted(value)) {
          throw new CatalogException(
              CatalogException.Kind.INVALID,
              "stage '" + s.name() + "', config '" + key + "': values of the form {\"$secret\": …} are reserved");
        }
        if (SecretBox.isSetMarker(value)) {
          StageRecord before = baseByName.get(s.name());
          Object kept = before == null ? null : before.config().get(key);
          if (kept != null && (SecretBox.isEncrypted(kept) || secretKey)) {
            config.put(key, SecretBox.isEncrypted(kept) ? kept : box.encrypt(kept));
            continue;
          }
          if (secretKey) {
            throw new CatalogException(
                CatalogException.Kind.INVALID,
                "stage '" + s.name() + "', secret '" + key + "' says {\"set\": true} but "
                    + baseLabel + " has no value for it in a stage of that name; send the value");
          }
        }
        config.put(key, secretKey && value != null ? box.encrypt(value) : value);
      }
      out.add(s.withConfig(config));
    }
    return out;
  }

  /** Stored stages with every encrypted value decrypted. */
  List<StageRecord> open(List<StageRecord> stored, String where) {
    List<StageRecord> out = new ArrayList<>(stored.size());
    for (StageRecord s : stored) {
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : s.config().entrySet()) {
        Object value = e.getValue();
        config.put(
            e.getKey(),
            SecretBox.isEncrypted(value)
                ? box.decrypt(value, where + ", stage '" + s.name() + "', config '" + e.getKey() + "'")
                : value);
      }
      out.add(s.withConfig(config));
    }
    return out;
  }

  /** Stages (stored or decrypted) with every set secret shown as {@code {"set": true}}. */
  static List<StageRecord> mask(List<StageRecord> stages, Map<String, Set<String>> secret) {
    List<StageRecord> out = new ArrayList<>(stages.size());
    for (StageRecord s : stages) {
      Map<String, Object> config = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : s.config().entrySet()) {
        Object value = e.getValue();
        boolean hide = SecretBox.isEncrypted(value) || (value != null && isSecret(secret, s, e.getKey()));
        config.put(e.getKey(), hide ? SecretBox.setMarker() : value);
      }
      out.add(s.withConfig(config));
    }
    return out;
  }
}
