package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

class AdmxTemplatesTest {
  static final String NS = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
  static final Pattern REF = Pattern.compile("\\$\\((string|presentation)\\.([^)]+)\\)");

  /** The JDK DOM parser with secure processing: no DTD, no external entities or schemas. */
  static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(null);
    return b.parse(new ByteArrayInputStream(xml));
  }

  static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        assertThat(c.getNamespaceURI()).as(c.getLocalName()).isEqualTo(NS);
        out.add(c);
      }
    }
    return out;
  }

  static Element child(Element e, String name) {
    return children(e).stream()
        .filter(c -> c.getLocalName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(e.getLocalName() + " has no " + name));
  }

  static List<Element> all(Document d, String name) {
    List<Element> out = new ArrayList<>();
    var list = d.getElementsByTagNameNS(NS, name);
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  @Test
  void theTestParserRefusesDoctypesAndExternalEntities() {
    byte[] evil =
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parse(evil)).isInstanceOf(SAXException.class);
  }

  @Test
  void admxFollowsThePolicyDefinitionsSchemaStructure() throws Exception {
    Element root = parse(AdmxTemplates.admx()).getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("policyDefinitions");
    assertThat(root.getNamespaceURI()).isEqualTo(NS);
    assertThat(root.getAttribute("revision")).isEqualTo("1.0");
    assertThat(root.getAttribute("schemaVersion")).isEqualTo("1.0");
    // The schema's sequence: policyNamespaces, (supersededAdm*), resources, supportedOn,
    // categories, policies.
    assertThat(children(root))
        .extracting(Element::getLocalName)
        .containsExactly("policyNamespaces", "resources", "supportedOn", "categories", "policies");
    Element target = child(child(root, "policyNamespaces"), "target");
    assertThat(target.getAttribute("prefix")).isEqualTo("trustbundle");
    assertThat(target.getAttribute("namespace")).isEqualTo("TrustBundle.Policies.AutoRootUpdate");
    assertThat(child(root, "resources").getAttribute("minRequiredRevision")).isEqualTo("1.0");
    assertThat(children(child(root, "categories")))
        .singleElement()
        .satisfies(c -> assertThat(c.getAttribute("name")).isEqualTo("TrustBundle"));

    Set<String> categories = new HashSet<>();
    all(root.getOwnerDocument(), "category").forEach(c -> categories.add(c.getAttribute("name")));
    Set<String> supported = new HashSet<>();
    all(root.getOwnerDocument(), "definition").forEach(d -> supported.add(d.getAttribute("name")));
    Set<String> names = new HashSet<>();
    List<Element> policies = children(child(root, "policies"));
    assertThat(policies).hasSize(6);
    for (Element p : policies) {
      String name = p.getAttribute("name");
      assertThat(names.add(name)).as("unique policy name " + name).isTrue();
      assertThat(p.getAttribute("class")).isEqualTo("Machine");
      assertThat(p.getAttribute("key")).startsWith("SOFTWARE\\");
      assertThat(p.getAttribute("displayName")).isEqualTo("$(string." + name + ")");
      assertThat(p.getAttribute("explainText")).isEqualTo("$(string." + name + "_Help)");
      List<String> order = children(p).stream().map(Element::getLocalName).toList();
      assertThat(order.get(0)).isEqualTo("parentCategory");
      assertThat(order.get(1)).isEqualTo("supportedOn");
      assertThat(categories).contains(child(p, "parentCategory").getAttribute("ref"));
      assertThat(supported).contains(child(p, "supportedOn").getAttribute("ref"));
      if (p.hasAttribute("valueName")) {
        assertThat(order)
            .containsExactly("parentCategory", "supportedOn", "enabledValue", "disabledValue");
        assertThat(p.hasAttribute("presentation")).isFalse();
      } else {
        assertThat(order).containsExactly("parentCategory", "supportedOn", "elements");
        assertThat(p.getAttribute("presentation")).isEqualTo("$(presentation." + name + ")");
        assertThat(children(child(p, "elements")))
            .allSatisfy(e -> assertThat(e.getAttribute("valueName")).isNotEmpty());
      }
    }
  }

  @Test
  void admxAndAdmlReferenceExactlyTheSameStringsAndPresentations() throws Exception {
    Document admx = parse(AdmxTemplates.admx());
    Document adml = parse(AdmxTemplates.adml());
    Element root = adml.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("policyDefinitionResources");
    assertThat(children(root))
        .extracting(Element::getLocalName)
        .containsExactly("displayName", "description", "resources");
    Element resources = child(root, "resources");
    assertThat(children(resources))
        .extracting(Element::getLocalName)
        .containsExactly("stringTable", "presentationTable");

    Set<String> usedStrings = new HashSet<>();
    Set<String> usedPresentations = new HashSet<>();
    collectRefs(admx.getDocumentElement(), usedStrings, usedPresentations);

    Set<String> strings = new HashSet<>();
    for (Element s : children(child(resources, "stringTable"))) {
      assertThat(s.getLocalName()).isEqualTo("string");
      assertThat(strings.add(s.getAttribute("id"))).as("unique " + s.getAttribute("id")).isTrue();
      assertThat(s.getTextContent()).isNotBlank();
    }
    Map<String, Element> presentations = new HashMap<>();
    for (Element p : children(child(resources, "presentationTable"))) {
      assertThat(presentations.put(p.getAttribute("id"), p)).isNull();
    }
    assertThat(usedStrings).isEqualTo(strings);
    assertThat(usedPresentations).isEqualTo(presentations.keySet());

    // Each presentation shows exactly its policy's elements, with the matching control.
    for (Element policy : all(admx, "policy")) {
      if (!policy.hasAttribute("presentation")) {
        continue;
      }
      Matcher m = REF.matcher(policy.getAttribute("presentation"));
      assertThat(m.matches()).isTrue();
      Element shown = presentations.get(m.group(2));
      Map<String, String> elements = new HashMap<>();
      for (Element e : children(child(policy, "elements"))) {
        elements.put(e.getAttribute("id"), e.getLocalName());
      }
      Map<String, String> controls = new HashMap<>();
      for (Element c : children(shown)) {
        controls.put(c.getAttribute("refId"), c.getLocalName());
      }
      assertThat(controls.keySet()).isEqualTo(elements.keySet());
      for (Map.Entry<String, String> e : elements.entrySet()) {
        String control = controls.get(e.getKey());
        assertThat(control).isEqualTo(e.getValue().equals("text") ? "textBox" : "decimalTextBox");
        if (control.equals("textBox")) {
          assertThat(shown.getElementsByTagNameNS(NS, "label").getLength()).isEqualTo(1);
        }
      }
    }
  }

  static void collectRefs(Element e, Set<String> strings, Set<String> presentations) {
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Matcher m = REF.matcher(((Attr) attrs.item(i)).getValue());
      while (m.find()) {
        (m.group(1).equals("string") ? strings : presentations).add(m.group(2));
      }
    }
    for (Element c : children(e)) {
      collectRefs(c, strings, presentations);
    }
  }

  @Test
  void admxWritesTheSameKeysValueNamesAndDataAsTheRegFile() throws Exception {
    Document admx = parse(AdmxTemplates.admx());
    // Every (key, value name) the ADMX can write, with the number an enabled policy writes.
    Map<String, Optional<Long>> writes = new HashMap<>();
    Map<String, String> kinds = new HashMap<>();
    for (Element p : all(admx, "policy")) {
      String key = p.getAttribute("key");
      if (p.hasAttribute("valueName")) {
        Element dec = child(child(p, "enabledValue"), "decimal");
        String id = key + "|" + p.getAttribute("valueName");
        writes.put(id, Optional.of(Long.parseLong(dec.getAttribute("value"))));
        kinds.put(id, "policy");
      } else {
        for (Element e : children(child(p, "elements"))) {
          String id = key + "|" + e.getAttribute("valueName");
          writes.put(id, Optional.empty());
          kinds.put(id, e.getLocalName());
        }
      }
    }
    byte[] reg =
        ClientFiles.generate(
                new ClientSettings(
                    Optional.of(new MirrorUrl("http://ctl.example/")), true, OptionalInt.of(600)))
            .get(ClientFiles.REG);
    List<RegistryValue> values = RegParser.parse(reg);
    assertThat(values).hasSize(7);
    for (RegistryValue v : values) {
      String id = v.key() + "|" + v.name();
      assertThat(writes).as(id).containsKey(id);
      if (v.type() == RegType.SZ) {
        assertThat(kinds.get(id)).isEqualTo("text");
      } else if (kinds.get(id).equals("policy")) {
        assertThat(writes.get(id)).contains(v.dwordValue());
      } else {
        assertThat(kinds.get(id)).isEqualTo("decimal");
      }
    }
    // Plus the pin rules switch, which the .reg file leaves alone.
    assertThat(writes)
        .containsKey(
            AutoUpdateRegistry.POLICY_KEY + "|" + AutoUpdateRegistry.DISABLE_PIN_RULES_AUTO_UPDATE);
    // The Flags policy removes the value when disabled.
    Element flags =
        all(admx, "policy").stream()
            .filter(p -> p.getAttribute("valueName").equals("Flags"))
            .findFirst()
            .orElseThrow();
    assertThat(children(child(flags, "disabledValue")))
        .extracting(Element::getLocalName)
        .containsExactly("delete");
  }

  @Test
  void bothFilesAreUtf8WithCrlfAndTheSameForEveryUrl() {
    for (byte[] f : List.of(AdmxTemplates.admx(), AdmxTemplates.adml())) {
      String text = new String(f, StandardCharsets.UTF_8);
      assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n");
      assertThat(text.replace("\r\n", "")).doesNotContain("\n");
    }
    var a = ClientFiles.generate(ClientSettings.of(new MirrorUrl("http://a.example/")));
    var b = ClientFiles.generate(ClientSettings.withoutUrl());
    assertThat(a.get(AdmxTemplates.ADMX)).isEqualTo(b.get(AdmxTemplates.ADMX));
    assertThat(a.get(AdmxTemplates.ADML)).isEqualTo(b.get(AdmxTemplates.ADML));
  }
}
