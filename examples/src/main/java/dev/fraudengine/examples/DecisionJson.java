package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.ModelScore;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.SimilarCase;
import java.util.List;
import java.util.Map;

/* A decision as a JSON object, the output of fraud score and of POST /score. */
final class DecisionJson {
  private DecisionJson() {}

  static ObjectNode of(ObjectMapper mapper, Decision d) {
    ObjectNode o = mapper.createObjectNode();
    o.put("transaction_id", d.transactionId());
    o.put("verdict", d.verdict().name());
    o.put("risk_level", d.riskLevel().name());
    o.put("score", round(d.score()));
    o.put("score100", d.score100());
    o.put("degraded", d.degraded());
    ArrayNode reasons = o.putArray("reasons");
    for (Reason r : d.reasons()) {
      ObjectNode x = reasons.addObject();
      x.put("code", r.code());
      x.put("message", r.message());
      x.put("weight", round(r.weight()));
      putValues(x.putObject("values"), r.values());
    }
    scores(o.putArray("model_scores"), d.modelScores());
    if (!d.shadowModelScores().isEmpty()) {
      scores(o.putArray("shadow_model_scores"), d.shadowModelScores());
    }
    ArrayNode hits = o.putArray("rule_hits");
    for (RuleHit h : d.ruleHits()) {
      ObjectNode x = hits.addObject();
      x.put("rule", h.ruleId());
      x.put("action", h.action().name());
      x.put("shadow", h.shadow());
    }
    if (!d.similarCases().isEmpty()) {
      ArrayNode cases = o.putArray("similar_cases");
      for (SimilarCase c : d.similarCases()) {
        ObjectNode x = cases.addObject();
        x.put("case_id", c.caseId());
        x.put("similarity", round(c.similarity()));
        x.put("label", c.label().name());
      }
    }
    o.put("feature_schema", d.featureSchema());
    o.put("rule_set", d.ruleSetVersion());
    o.put("latency_us", Math.round(d.latencyNanos() / 100.0) / 10.0);
    return o;
  }

  private static void scores(ArrayNode a, List<ModelScore> scores) {
    for (ModelScore s : scores) {
      ObjectNode x = a.addObject();
      x.put("model", s.modelId());
      x.put("version", s.version());
      x.put("score", round(s.score()));
    }
  }

  private static void putValues(ObjectNode o, Map<String, Object> values) {
    values.forEach((k, v) -> {
      if (v instanceof Double x) {
        if (Double.isNaN(x)) {
          o.putNull(k);
        } else {
          o.put(k, round(x));
        }
      } else if (v instanceof Float x) {
        o.put(k, round(x));
      } else if (v instanceof Number n) {
        o.put(k, n.longValue());
      } else if (v instanceof Boolean b) {
        o.put(k, b);
      } else {
        o.put(k, String.valueOf(v));
      }
    });
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0;
  }
}
