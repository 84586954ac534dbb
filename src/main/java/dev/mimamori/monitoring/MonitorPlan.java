package dev.mimamori.monitoring;

import dev.mimamori.datadog.ManagedMonitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must change in Datadog so that it holds exactly the desired monitors: pure, computed from the desired list and
 * what one owner has in Datadog. Matching is by the mimamori-monitor tag; extra copies of a template (a create that
 * was retried, a hand-made clone with our tags) are deleted so nothing is duplicated.
 */
public record MonitorPlan(List<DesiredMonitor> creates, List<Update> updates, List<ManagedMonitor> deletes,
        List<Kept> unchanged) {

    public record Update(long id, DesiredMonitor desired) {
    }

    public record Kept(long id, DesiredMonitor desired) {
    }

    public static MonitorPlan between(List<DesiredMonitor> desired, List<ManagedMonitor> actual) {
        Map<String, List<ManagedMonitor>> actualByTemplate = new HashMap<>();
        List<ManagedMonitor> deletes = new ArrayList<>();
        actual.stream().sorted(Comparator.comparingLong(ManagedMonitor::id)).forEach(m -> {
            if (m.templateName() == null) {
                deletes.add(m);
            } else {
                actualByTemplate.computeIfAbsent(m.templateName(), k -> new ArrayList<>()).add(m);
            }
        });
        List<DesiredMonitor> creates = new ArrayList<>();
        List<Update> updates = new ArrayList<>();
        List<Kept> unchanged = new ArrayList<>();
        for (DesiredMonitor d : desired) {
            List<ManagedMonitor> existing = actualByTemplate.remove(d.templateName());
            if (existing == null || existing.isEmpty()) {
                creates.add(d);
                continue;
            }
            // The oldest copy is the one people link to; later copies are the duplicates.
            ManagedMonitor keep = existing.get(0);
            deletes.addAll(existing.subList(1, existing.size()));
            if (d.definition().isSatisfiedBy(keep.definition())) {
                unchanged.add(new Kept(keep.id(), d));
            } else {
                updates.add(new Update(keep.id(), d));
            }
        }
        actualByTemplate.values().forEach(deletes::addAll);
        return new MonitorPlan(List.copyOf(creates), List.copyOf(updates), List.copyOf(deletes),
                List.copyOf(unchanged));
    }

    public boolean isEmpty() {
        return creates.isEmpty() && updates.isEmpty() && deletes.isEmpty();
    }
}
