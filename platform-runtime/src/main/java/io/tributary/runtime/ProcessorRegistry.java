package io.tributary.runtime;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The processors a pipeline can be compiled against: (processor id, version) → factory.
 * Implementations must be thread-safe; the plugin layer supplies one that changes as jars come
 * and go, and the compiler reads it only while compiling.
 */
public interface ProcessorRegistry {

  /** Every version of processor {@code id}, oldest first; empty if unknown. */
  List<ProcessorFactory> versions(String id);

  /** Every processor id known, sorted. */
  List<String> ids();

  /** The factory of {@code id} at exactly {@code version}. */
  default Optional<ProcessorFactory> find(String id, String version) {
    for (ProcessorFactory f : versions(id)) {
      if (f.descriptor().version().equals(version)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The newest version of {@code id}: the highest release, or the highest pre-release when there
   * is no release.
   */
  default Optional<ProcessorFactory> latest(String id) {
    List<ProcessorFactory> all = versions(id);
    return all.stream()
        .filter(f -> !SemanticVersion.parse(f.descriptor().version()).isPreRelease())
        .reduce((a, b) -> b)
        .or(() -> all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1)));
  }

  /**
   * A fixed registry of the given factories.
   *
   * @throws IllegalArgumentException if two factories declare the same id and version
   */
  public static ProcessorRegistry of(Collection<? extends ProcessorFactory> factories) {
    Map<String, List<ProcessorFactory>> byId = new TreeMap<>();
    for (ProcessorFactory f : factories) {
      ProcessorDescriptor d = f.descriptor();
      List<ProcessorFactory> versions = byId.computeIfAbsent(d.id(), k -> new ArrayList<>());
      for (ProcessorFactory other : versions) {
        if (other.descriptor().version().equals(d.version())) {
          throw new IllegalArgumentException(
              d.coordinates() + " is offered twice: by " + other.getClass().getName() + " and by "
                  + f.getClass().getName());
        }
      }
      versions.add(f);
    }
    Comparator<ProcessorFactory> byVersion =
        Comparator.comparing(f -> SemanticVersion.parse(f.descriptor().version()));
    byId.replaceAll((id, list) -> {
      list.sort(byVersion);
      return List.copyOf(list);
    });
    List<String> ids = List.copyOf(byId.keySet());
    return new ProcessorRegistry() {
      @Override
      public List<ProcessorFactory> versions(String id) {
        return byId.getOrDefault(id, List.of());
      }

      @Override
      public List<String> ids() {
        return ids;
      }
    };
  }

  /** A fixed registry of the factories {@link ServiceLoader} finds through {@code loader}. */
  static ProcessorRegistry fromServiceLoader(ClassLoader loader) {
    List<ProcessorFactory> found = new ArrayList<>();
    ServiceLoader.load(ProcessorFactory.class, loader).forEach(found::add);
    return of(found);
  }
}
