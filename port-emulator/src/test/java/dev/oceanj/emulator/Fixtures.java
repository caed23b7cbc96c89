package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Blueprints and helpers shared by the tests. */
final class Fixtures {

  private Fixtures() {}

  static final String TEAM = """
      {'identifier':'team','title':'Team','schema':{'properties':{}}}""";

  static final String SERVICE = """
      {'identifier':'service','title':'Service','schema':{'properties':{
         'language':{'type':'string','enum':['java','go','python']},
         'url':{'type':'string','format':'url'},
         'created':{'type':'string','format':'date-time'},
         'owner':{'type':'string','format':'email'},
         'replicas':{'type':'number','minimum':0},
         'public':{'type':'boolean'},
         'tags':{'type':'array','items':{'type':'string'}},
         'meta':{'type':'object'}},
       'required':['language']},
       'relations':{'team':{'target':'team','many':false,'required':false},
                    'deps':{'target':'service','many':true,'required':false}}}""";

  static final String DEPLOYMENT = """
      {'identifier':'deployment','title':'Deployment','schema':{'properties':{'version':{'type':'string'}}},
       'relations':{'service':{'target':'service','many':false,'required':true}}}""";

  /** Creates team, service and deployment. */
  static void catalog(Api api) {
    for (String bp : new String[] {TEAM, SERVICE, DEPLOYMENT}) {
      var r = api.post("/v1/blueprints", Api.parse(bp));
      assertEquals(200, r.status(), r.toString());
    }
  }

  static JsonNode service(String id, String language) {
    return Api.parse("{'identifier':'" + id + "','title':'" + id + "','properties':{'language':'" + language + "'}}");
  }

  static JsonNode bulk(JsonNode... entities) {
    ArrayNode arr = Api.JSON.createArrayNode();
    for (JsonNode e : entities) {
      arr.add(e);
    }
    return Api.obj("entities", arr);
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicLong millis;

    MutableClock(Instant start) {
      this.millis = new AtomicLong(start.toEpochMilli());
    }

    void advance(long ms) {
      millis.addAndGet(ms);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }
}
