"""kustomize_plugin.gojson against Go: the bytes DPF's controller hashes, and its digests.

How the expected values were produced: a Go 1.24.4 program (encoding/json of the standard library, the only
library it used) with hand-written mirror structs of DPF's types (same field order, json tags, omitempty and
omitzero) at NVIDIA/doca-platform commits 08c5e89d (dpuserviceconfiguration_types.go, dpuservice_types.go),
887803ca (dpuservicetemplate_types.go), 05b8850f (dpudeployment_types.go) and 4d45d91b (servicechain_types.go),
plus its own minimal RawExtension, IntOrString and Quantity (ParseQuantity's keep-the-text test, canonical
form otherwise). For each case it took the YAML below as dpf-render's loader reads it (sent as JSON), did what
the cluster does (kubectl's int/uint64/float64 numbers; the API server's int64-else-float64 numbers and CRD
defaults), decoded the typed structs and wrote them as internal/digest/digest.go @f444f004 does (one
json.Encoder over sha256), the configuration inside calculateDPUServiceVersionDigest's struct that hides
UpgradePolicy (dpudeployment_controller_dpuservice.go @5e41ddd5). The float columns are Go's json.Marshal
and strconv.FormatFloat(f, 'g', -1, 32) (sigs.k8s.io/yaml's float map keys; it spells infinity ".inf").
The program is not part of this repository; these tables are its output, factored (what many cases share is
named once), values unedited.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kustomize_plugin import gojson, pipeline, yamlload
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item

from .imports import modules_imported_by

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def load(text: str) -> Any:
    (doc,) = yamlload.load_documents(text)
    return doc


# What most cases share: the template (and its JSON) every configuration case uses, and the bare
# configuration (and its JSON) the template cases use.
CONFIG = "deploymentServiceName: svc\n"
CONFIG_JSON = '{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{}},"upgradePolicy":{}}'
TEMPLATE = """\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0}
"""
TEMPLATE_JSON = '{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"oci://registry.example.com/charts","path":"","version":"1.0.0","chart":"svc"}}}'


def service_case(
    case_id: str,
    *,
    config: str = CONFIG,
    config_json: str = CONFIG_JSON,
    template: str = TEMPLATE,
    template_json: str = TEMPLATE_JSON,
    digest: str,
) -> Any:
    return pytest.param(config, template, config_json, template_json, digest, id=case_id)


SERVICE_VECTORS = [
    service_case("empty-config", digest="0b7b176269"),
    service_case(
        "every-field",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  helmChart:
    values: {image: {tag: v1}, replicas: 2}
  serviceDaemonSet:
    updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: "10%"}}
    labels: {team: net, app: svc}
    annotations: {example.com/owner: platform}
    resources: {cpu: 0.1, memory: 1Gi, nvidia.com/bf_sf: 2}
  deployInCluster: false
  configPorts:
    serviceType: ClusterIP
    ports:
    - {name: metrics, port: 9100, protocol: TCP}
    - {name: grpc, port: 50051, protocol: UDP}
interfaces:
- {name: p0, network: mybrsfc}
- {name: p1, network: dpf/mybrsfc, virtualNetwork: vn1}
upgradePolicy: {applyNodeEffect: false}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"image":{"tag":"v1"},"replicas":2}},"serviceDaemonSet":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":"10%"}},"labels":{"app":"svc","team":"net"},"annotations":{"example.com/owner":"platform"},"resources":{"cpu":"100m","memory":"1Gi","nvidia.com/bf_sf":"2"}},"deployInCluster":false,"configPorts":{"serviceType":"ClusterIP","ports":[{"name":"metrics","port":9100,"protocol":"TCP"},{"name":"grpc","port":50051,"protocol":"UDP"}]}},"interfaces":[{"name":"p0","network":"mybrsfc"},{"name":"p1","network":"dpf/mybrsfc","virtualNetwork":"vn1"}],"upgradePolicy":{}}',
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "https://charts.example.com", path: charts/svc, version: 1.2.3, chart: svc, releaseName: rel}
  values: {image: {repository: example.com/svc, tag: v1}, list: [1, 2], note: "a<b & c>d"}
resourceRequirements: {memory: 1536Mi, cpu: 500m, nvidia.com/bf_sf: 2}
security: {privileged: true, spiffe: {}}
""",
        template_json=r'{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"https://charts.example.com","path":"charts/svc","version":"1.2.3","chart":"svc","releaseName":"rel"},"values":{"image":{"repository":"example.com/svc","tag":"v1"},"list":[1,2],"note":"a\u003cb \u0026 c\u003ed"}},"resourceRequirements":{"cpu":"500m","memory":"1536Mi","nvidia.com/bf_sf":"2"},"security":{"privileged":true,"spiffe":{}}}',
        digest="5049652006",
    ),
    service_case(
        "policy-false",
        config="""\
deploymentServiceName: svc
upgradePolicy: {applyNodeEffect: false}
""",
        digest="0b7b176269",
    ),
    service_case(
        "defaults-written",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  configPorts:
    serviceType: NodePort
    ports: [{name: metrics, port: 9100, protocol: TCP, nodePort: 30080}]
upgradePolicy: {applyNodeEffect: true}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"configPorts":{"serviceType":"NodePort","ports":[{"name":"metrics","port":9100,"protocol":"TCP","nodePort":30080}]}},"upgradePolicy":{}}',
        digest="ccd2c8ccd9",
    ),
    service_case(
        "defaults-omitted",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  configPorts:
    ports: [{name: metrics, port: 9100, protocol: TCP, nodePort: 30080}]
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"configPorts":{"serviceType":"NodePort","ports":[{"name":"metrics","port":9100,"protocol":"TCP","nodePort":30080}]}},"upgradePolicy":{}}',
        digest="ccd2c8ccd9",
    ),
    service_case(
        "defaults-null",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  configPorts:
    serviceType: null
    ports: [{name: metrics, port: 9100, protocol: TCP, nodePort: 30080}]
upgradePolicy: null
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"configPorts":{"serviceType":"NodePort","ports":[{"name":"metrics","port":9100,"protocol":"TCP","nodePort":30080}]}},"upgradePolicy":{}}',
        digest="ccd2c8ccd9",
    ),
    service_case(
        "helm-chart-empty",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {}}
""",
        digest="0b7b176269",
    ),
    service_case(
        "service-configuration-empty",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {}
""",
        digest="0b7b176269",
    ),
    service_case(
        "helm-values-null",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {values: null}}
""",
        digest="0b7b176269",
    ),
    service_case(
        "nulls-of-typed-fields",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {serviceDaemonSet: null, deployInCluster: null, configPorts: null}
interfaces: null
""",
        digest="0b7b176269",
    ),
    service_case(
        "service-daemon-set-empty",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {serviceDaemonSet: {}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{}},"upgradePolicy":{}}',
        digest="ad2cb6d4b8",
    ),
    service_case(
        "empty-maps-dropped",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {serviceDaemonSet: {labels: {}, annotations: {}, resources: {}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{}},"upgradePolicy":{}}',
        digest="ad2cb6d4b8",
    ),
    service_case(
        "update-strategy-empty",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {serviceDaemonSet: {updateStrategy: {}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{"updateStrategy":{}}},"upgradePolicy":{}}',
        digest="b944a6fadb",
    ),
    service_case(
        "update-strategy-rolling",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  serviceDaemonSet: {updateStrategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: "25%"}, type: RollingUpdate}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":0}}}},"upgradePolicy":{}}',
        digest="690950610d",
    ),
    service_case(
        "deploy-in-cluster-false",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {deployInCluster: false}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"deployInCluster":false},"upgradePolicy":{}}',
        digest="43ab81a806",
    ),
    service_case(
        "deploy-in-cluster-true",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  deployInCluster: true
  serviceDaemonSet: {annotations: {example.com/owner: platform}, resources: {cpu: 100m, memory: 100Mi}}
upgradePolicy: {applyNodeEffect: false}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{"annotations":{"example.com/owner":"platform"},"resources":{"cpu":"100m","memory":"100Mi"}},"deployInCluster":true},"upgradePolicy":{}}',
        digest="da8f281f07",
    ),
    service_case(
        "values-key-order-a",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {values: {b: 1, a: {d: 1, c: 2}}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"a":{"c":2,"d":1},"b":1}}},"upgradePolicy":{}}',
        digest="7c84477f78",
    ),
    service_case(
        "values-key-order-b",
        config="""\
serviceConfiguration:
  helmChart:
    values:
      a: {c: 2, d: 1}
      b: 1
deploymentServiceName: svc
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"a":{"c":2,"d":1},"b":1}}},"upgradePolicy":{}}',
        digest="7c84477f78",
    ),
    service_case(
        "values-nulls-kept",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {values: {a: null, b: [null, 1], c: {d: null}}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"a":null,"b":[null,1],"c":{"d":null}}}},"upgradePolicy":{}}',
        digest="c2baa474a8",
    ),
    service_case(
        "values-empty",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {values: {}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{}}},"upgradePolicy":{}}',
        digest="398fd637a9",
    ),
    service_case(
        "values-numbers",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  helmChart:
    values:
      int: 1
      float_one: 1.0
      fraction: 0.1
      third: 0.3333333333333333
      big_float: 1.0e+21
      below_big: 1.0e+20
      small: 1.0e-7
      micro: 1.0e-6
      huge: 1.5e+300
      negative_zero: -0.0
      negative: -2.5
      int64_max: 9223372036854775807
      int64_min: -9223372036854775808
      past_int64: 9223372036854775808
      past_uint64: 123456789012345678901234567890
      two53_plus_one: 9007199254740993
      exponent_string: 1e3
      octal_like: 017
      hex: 0x1F
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"below_big":100000000000000000000,"big_float":1e+21,"exponent_string":"1e3","float_one":1,"fraction":0.1,"hex":31,"huge":1.5e+300,"int":1,"int64_max":9223372036854775807,"int64_min":-9223372036854775808,"micro":0.000001,"negative":-2.5,"negative_zero":0,"octal_like":15,"past_int64":9223372036854776000,"past_uint64":1.2345678901234568e+29,"small":1e-7,"third":0.3333333333333333,"two53_plus_one":9007199254740993}}},"upgradePolicy":{}}',
        digest="2d0793e4e4",
    ),
    service_case(
        "values-booleans",
        config="""\
deploymentServiceName: svc
serviceConfiguration: {helmChart: {values: {t: true, f: false, yes_word: yes, off_word: off, quoted: "true"}}}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"f":false,"off_word":false,"quoted":"true","t":true,"yes_word":true}}},"upgradePolicy":{}}',
        digest="a4dad93023",
    ),
    service_case(
        "values-unicode",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  helmChart:
    values:
      greeting: "héllo wörld"
      cjk: "日本語"
      emoji: "😀 ok"
      "é-key": 1
      "z-key": 2
      "日": 3
      "A-key": 4
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"A-key":4,"cjk":"日本語","emoji":"😀 ok","greeting":"héllo wörld","z-key":2,"é-key":1,"日":3}}},"upgradePolicy":{}}',
        digest="145b044923",
    ),
    service_case(
        "values-html-and-controls",
        config=r"""
deploymentServiceName: svc
serviceConfiguration:
  helmChart:
    values:
      html: "<a href=\"x\">Tom & Jerry</a>"
      separators: "line\u2028para\u2029end"
      controls: "b\bf\ft\tn\nr\rone\x01us\x1fdel\x7f"
      quote: "say \"hi\" \\ back/slash"
      "<key>": "&"
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"\\u003ckey\\u003e":"\\u0026","controls":"b\\bf\\ft\\tn\\nr\\rone\\u0001us\\u001fdel\x7f","html":"\\u003ca href=\\"x\\"\\u003eTom \\u0026 Jerry\\u003c/a\\u003e","quote":"say \\"hi\\" \\\\ back/slash","separators":"line\\u2028para\\u2029end"}}},"upgradePolicy":{}}',
        digest="05e052abc9",
    ),
    service_case(
        "resource-quantities",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  serviceDaemonSet:
    resources:
      a-float: 0.1
      b-milli: 100m
      c-gibi: 1Gi
      d-exponent-text: 1e3
      e-exponent-float: 1.0e+3
      f-mebi-of-gibi: 1024Mi
      g-fraction-gibi: 1.5Gi
      h-trailing-zeros: "1.500"
      i-plus: "+1"
      j-thousand: 1000
      k-one-and-half: 1.5
      l-half-gibi: 0.5Gi
      m-upper-exponent: 1E3
      n-leading-zero: "01"
      o-zero-milli: 0m
      p-int: 2
      q-kilo: 1.5k
      r-decimal-exponent-plus: 1e+3
      s-nano: 1n
      t-tiny: 0.0000000001
      u-mebi: 1536Mi
      v-big: 12Ei
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"serviceDaemonSet":{"resources":{"a-float":"100m","b-milli":"100m","c-gibi":"1Gi","d-exponent-text":"1e3","e-exponent-float":"1k","f-mebi-of-gibi":"1Gi","g-fraction-gibi":"1536Mi","h-trailing-zeros":"1.500","i-plus":"+1","j-thousand":"1k","k-one-and-half":"1500m","l-half-gibi":"512Mi","m-upper-exponent":"1E3","n-leading-zero":"01","o-zero-milli":"0","p-int":"2","q-kilo":"1500","r-decimal-exponent-plus":"1e+3","s-nano":"1n","t-tiny":"1e-9","u-mebi":"1536Mi","v-big":"9223372036854775807"}}},"upgradePolicy":{}}',
        digest="f0dd2bef00",
    ),
    service_case(
        "interfaces",
        config="""\
deploymentServiceName: svc
interfaces:
- {name: p0, network: mybrsfc}
- {network: ns/net, name: p1, virtualNetwork: vn}
- {name: p2, network: net, virtualNetwork: ""}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{}},"interfaces":[{"name":"p0","network":"mybrsfc"},{"name":"p1","network":"ns/net","virtualNetwork":"vn"},{"name":"p2","network":"net","virtualNetwork":""}],"upgradePolicy":{}}',
        digest="90910369c6",
    ),
    service_case(
        "config-ports-node-port",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  configPorts:
    serviceType: NodePort
    ports:
    - {name: web, port: 80, protocol: TCP, nodePort: 30080}
    - {name: dns, port: 53, protocol: UDP}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{},"configPorts":{"serviceType":"NodePort","ports":[{"name":"web","port":80,"protocol":"TCP","nodePort":30080},{"name":"dns","port":53,"protocol":"UDP"}]}},"upgradePolicy":{}}',
        digest="d6a156849b",
    ),
    service_case(
        "unknown-fields-pruned",
        config="""\
deploymentServiceName: svc
nodeEffect: true
serviceConfiguration:
  helmChart: {values: {a: 1}, extra: x}
  somethingNew: {x: 1}
interfaces:
- {name: p0, network: net, mtu: 9000}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"a":1}}},"interfaces":[{"name":"p0","network":"net"}],"upgradePolicy":{}}',
        digest="3dc35606e6",
    ),
    service_case(
        "unknown-fields-absent",
        config="""\
deploymentServiceName: svc
serviceConfiguration:
  helmChart: {values: {a: 1}}
interfaces:
- {name: p0, network: net}
""",
        config_json='{"deploymentServiceName":"svc","serviceConfiguration":{"helmChart":{"values":{"a":1}}},"interfaces":[{"name":"p0","network":"net"}],"upgradePolicy":{}}',
        digest="3dc35606e6",
    ),
    service_case(
        "template-security-empty",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0}
security: {}
""",
        template_json='{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"oci://registry.example.com/charts","path":"","version":"1.0.0","chart":"svc"}},"security":{}}',
        digest="b0af1e877c",
    ),
    service_case(
        "template-security-false",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0}
security: {privileged: false}
""",
        template_json='{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"oci://registry.example.com/charts","path":"","version":"1.0.0","chart":"svc"}},"security":{"privileged":false}}',
        digest="5a600b6cf4",
    ),
    service_case(
        "template-spiffe",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0}
security: {spiffe: {}}
""",
        template_json='{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"oci://registry.example.com/charts","path":"","version":"1.0.0","chart":"svc"}},"security":{"spiffe":{}}}',
        digest="ca272e8f2c",
    ),
    service_case(
        "template-path-empty",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0, path: "", releaseName: ""}
""",
        digest="0b7b176269",
    ),
    service_case(
        "template-resources-empty",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {repoURL: "oci://registry.example.com/charts", chart: svc, version: 1.0.0}
resourceRequirements: {}
""",
        digest="0b7b176269",
    ),
    service_case(
        "template-values-nested",
        template="""\
deploymentServiceName: svc
helmChart:
  source: {version: 1.0.0, repoURL: "oci://registry.example.com/charts"}
  values:
    list: [{b: 2, a: 1}, [], {}, "x"]
    empty_string: ""
    nested: {deeper: {deepest: [true, false, null]}}
""",
        template_json='{"deploymentServiceName":"svc","helmChart":{"source":{"repoURL":"oci://registry.example.com/charts","path":"","version":"1.0.0"},"values":{"empty_string":"","list":[{"a":1,"b":2},[],{},"x"],"nested":{"deeper":{"deepest":[true,false,null]}}}}}',
        digest="6a3b5f785a",
    ),
]


# Switches with every kind of port, and the serviceIDs most chain cases resolve them with.
SWITCHES = """\
- ports:
  - service: {name: producer, interface: app_iface}
  - service:
      name: consumer
      interface: in
      ipam: {matchLabels: {svc.dpu.nvidia.com/pool: pool1}, defaultGateway: true, setDefaultRoute: false}
  - serviceInterface:
      matchLabels: {uplink: p0, "svc.dpu.nvidia.com/interface": p0}
      ipam: {matchLabels: {pool: p}, requiredIPFamilies: [IPv6, IPv4]}
- serviceMTU: 3000
  ports:
  - serviceInterface: {matchLabels: {uplink: p1}}
  - service: {interface: out, name: consumer}
"""
SERVICE_IDS = {"producer": "dep_producer_0123456789", "consumer": "dep_consumer_abcdef0123"}


def chain_case(
    case_id: str, *, switches: str, service_ids: dict[str, str] = SERVICE_IDS, switches_json: str, digest: str
) -> Any:
    return pytest.param(switches, service_ids, "dep", switches_json, digest, id=case_id)


CHAIN_VECTORS = [
    chain_case(
        "switches-full",
        switches=SWITCHES,
        switches_json='[{"ports":[{"service":{"name":"dep_producer_0123456789","interface":"app_iface"}},{"service":{"name":"dep_consumer_abcdef0123","interface":"in","ipam":{"matchLabels":{"svc.dpu.nvidia.com/pool":"pool1"},"defaultGateway":true,"setDefaultRoute":false}}},{"serviceInterface":{"matchLabels":{"svc.dpu.nvidia.com/interface":"p0","uplink":"p0"},"ipam":{"matchLabels":{"pool":"p"},"requiredIPFamilies":["IPv6","IPv4"]}}}],"serviceMTU":1500},{"ports":[{"serviceInterface":{"matchLabels":{"uplink":"p1"}}},{"service":{"name":"dep_consumer_abcdef0123","interface":"out"}}],"serviceMTU":3000}]',
        digest="5e1665f98c",
    ),
    chain_case(
        "switches-mtu-written",
        switches="""\
- ports:
  - service: {name: producer, interface: app_iface}
  serviceMTU: 1500
""",
        switches_json='[{"ports":[{"service":{"name":"dep_producer_0123456789","interface":"app_iface"}}],"serviceMTU":1500}]',
        digest="46c42d04fe",
    ),
    chain_case(
        "switches-mtu-defaulted",
        switches="""\
- ports:
  - service: {name: producer, interface: app_iface}
""",
        switches_json='[{"ports":[{"service":{"name":"dep_producer_0123456789","interface":"app_iface"}}],"serviceMTU":1500}]',
        digest="46c42d04fe",
    ),
    chain_case(
        "switches-mtu-null",
        switches="""\
- ports:
  - service: {name: producer, interface: app_iface}
  serviceMTU: null
""",
        switches_json='[{"ports":[{"service":{"name":"dep_producer_0123456789","interface":"app_iface"}}],"serviceMTU":1500}]',
        digest="46c42d04fe",
    ),
    chain_case(
        "switches-interfaces-only",
        switches="""\
- ports:
  - serviceInterface: {matchLabels: {b: '2', a: '1'}}
  - serviceInterface: {matchLabels: {c: '3'}}
""",
        switches_json='[{"ports":[{"serviceInterface":{"matchLabels":{"a":"1","b":"2"}}},{"serviceInterface":{"matchLabels":{"c":"3"}}}],"serviceMTU":1500}]',
        digest="91ffddaea1",
    ),
    chain_case(
        "switches-all-legacy",
        switches=SWITCHES,
        service_ids={"producer": "dpudeployment_dep_producer", "consumer": "dpudeployment_dep_consumer"},
        switches_json='[{"ports":[{"service":{"name":"producer","interface":"app_iface"}},{"service":{"name":"consumer","interface":"in","ipam":{"matchLabels":{"svc.dpu.nvidia.com/pool":"pool1"},"defaultGateway":true,"setDefaultRoute":false}}},{"serviceInterface":{"matchLabels":{"svc.dpu.nvidia.com/interface":"p0","uplink":"p0"},"ipam":{"matchLabels":{"pool":"p"},"requiredIPFamilies":["IPv6","IPv4"]}}}],"serviceMTU":1500},{"ports":[{"serviceInterface":{"matchLabels":{"uplink":"p1"}}},{"service":{"name":"consumer","interface":"out"}}],"serviceMTU":3000}]',
        digest="eb211baeb1",
    ),
    chain_case(
        "switches-some-legacy",
        switches=SWITCHES,
        service_ids={"producer": "dpudeployment_dep_producer", "consumer": "dep_consumer_abcdef0123"},
        switches_json='[{"ports":[{"service":{"name":"dpudeployment_dep_producer","interface":"app_iface"}},{"service":{"name":"dep_consumer_abcdef0123","interface":"in","ipam":{"matchLabels":{"svc.dpu.nvidia.com/pool":"pool1"},"defaultGateway":true,"setDefaultRoute":false}}},{"serviceInterface":{"matchLabels":{"svc.dpu.nvidia.com/interface":"p0","uplink":"p0"},"ipam":{"matchLabels":{"pool":"p"},"requiredIPFamilies":["IPv6","IPv4"]}}}],"serviceMTU":1500},{"ports":[{"serviceInterface":{"matchLabels":{"uplink":"p1"}}},{"service":{"name":"dep_consumer_abcdef0123","interface":"out"}}],"serviceMTU":3000}]',
        digest="5598458027",
    ),
]

QUANTITY_VECTORS = [
    ("0.1", '"100m"'),
    ("100m", '"100m"'),
    ("1Gi", '"1Gi"'),
    ("1e3", '"1e3"'),
    ("1024Mi", '"1Gi"'),
    ("1.5Gi", '"1536Mi"'),
    ("1.500", '"1.500"'),
    ("+1", '"+1"'),
    ("01", '"01"'),
    ("1E3", '"1E3"'),
    ("0m", '"0"'),
    ("-0", '"0"'),
    ("0", '"0"'),
    ("1.5k", '"1500"'),
    ("1e+3", '"1e+3"'),
    ("1n", '"1n"'),
    ("0.0000000001", '"1n"'),
    ("1536Mi", '"1536Mi"'),
    ("12Ei", '"9223372036854775807"'),
    ("1.500k", '"1.500k"'),
    ("1000", '"1k"'),
    ("1500", '"1500"'),
    ("1200", '"1200"'),
    ("12000", '"12k"'),
    ("1.0", '"1"'),
    ("0.5", '"500m"'),
    ("-1.5", '"-1500m"'),
    ("10e3", '"10e3"'),
    ("1e1", '"10"'),
    ("1e4", '"10e3"'),
    ("7Ki", '"7Ki"'),
    ("8Ki", '"8Ki"'),
    ("1Ki", '"1Ki"'),
    ("1.Gi", '"1.Gi"'),
    ("123456789012345678901", '"123456789012345678901"'),
    ("0.000000001", '"1n"'),
    ("1.5e3", '"1500"'),
    ("-100m", '"-100m"'),
    ("999999999999999999", '"999999999999999999"'),
    ("9999999999999999999", '"9999999999999999999"'),
    ("1.25", '"1250m"'),
    ("2.5Mi", '"2560Ki"'),
    ("100Ki", '"100Ki"'),
    ("1023", '"1023"'),
    ("1k", '"1k"'),
    ("1M", '"1M"'),
    ("1.5M", '"1500k"'),
    ("5e-3", '"5e-3"'),
    ("5e-4", '"500e-6"'),
    ("1e-9", '"1e-9"'),
    ("3e-10", '"1e-9"'),
    ("1Ei", '"1Ei"'),
    ("8Ei", '"9223372036854775807"'),
    ("16Ei", '"9223372036854775807"'),
    (0.1, '"100m"'),
    (1.5, '"1500m"'),
    (1000, '"1k"'),
    (2, '"2"'),
    (0.001, '"1m"'),
    (1000.0, '"1k"'),
    (0.5, '"500m"'),
    (12345678901234567890, '"12345678901234567k"'),
    (1e21, '"1e+21"'),
    (100.0, '"100"'),
    (1e-07, '"100e-9"'),
]

STRING_VECTORS = [
    ("plain", '"plain"'),
    ("<>&", r'"\u003c\u003e\u0026"'),
    ("\u2028\u2029", r'"\u2028\u2029"'),
    ("\x08\x0c\t\n\r", r'"\b\f\t\n\r"'),
    ("\x00\x01\x1f\x7f", '"\\u0000\\u0001\\u001f\x7f"'),
    ("é日😀", '"é日😀"'),
    ('"\\/', r'"\"\\/"'),
    ("\x85\xa0\ufeff", '"\x85\xa0\ufeff"'),
    ("�", '"�"'),
    ("a\u200bb", '"a\u200bb"'),
]

FLOAT_VECTORS = [
    (0.0, "0", "0"),
    (-0.0, "-0", "-0"),
    (1.0, "1", "1"),
    (0.1, "0.1", "0.1"),
    (1e21, "1e+21", "1e+21"),
    (1e20, "100000000000000000000", "1e+20"),
    (9.999999999999999e20, "999999999999999900000", "1e+21"),
    (1e-06, "0.000001", "1e-06"),
    (9.99999e-07, "9.99999e-7", "9.99999e-07"),
    (1e-07, "1e-7", "1e-07"),
    (5e-324, "5e-324", "0"),
    (1.7976931348623157e308, "1.7976931348623157e+308", ".inf"),
    (123456789.125, "123456789.125", "1.2345679e+08"),
    (1000000.0, "1000000", "1e+06"),
    (123456.0, "123456", "123456"),
    (1234567.0, "1234567", "1.234567e+06"),
    (1e-05, "0.00001", "1e-05"),
    (0.0001, "0.0001", "0.0001"),
    (3.14159265, "3.14159265", "3.1415927"),
    (1e300, "1e+300", ".inf"),
    (3.4028235e38, "3.4028235e+38", "3.4028235e+38"),
    (3.5e38, "3.5e+38", ".inf"),
    (1e-45, "1e-45", "1e-45"),
    (1e-46, "1e-46", "0"),
    (16777217.0, "16777217", "1.6777216e+07"),
    (0.3, "0.3", "0.3"),
    (2.5, "2.5", "2.5"),
    (-1e-07, "-1e-7", "-1e-07"),
    (100.0, "100", "100"),
    (1000000000000000.0, "1000000000000000", "1e+15"),
    (1e16, "10000000000000000", "1e+16"),
    (1e17, "100000000000000000", "1e+17"),
    (428889.05467511463, "428889.05467511463", "428889.06"),
    (-7.160716509316833e-234, "-7.160716509316833e-234", "-0"),
    (6597.0, "6597", "6597"),
    (-885579.177318671, "-885579.177318671", "-885579.2"),
    (605449.280786071, "605449.280786071", "605449.25"),
    (-673401.6881428079, "-673401.6881428079", "-673401.7"),
    (0.0003714143308518059, "0.0003714143308518059", "0.00037141432"),
    (471861.0034517555, "471861.0034517555", "471861"),
    (841443378.5471944, "841443378.5471944", "8.414434e+08"),
    (7873412515199397.0, "7873412515199397", "7.8734127e+15"),
    (-272392.47967558727, "-272392.47967558727", "-272392.47"),
    (3.341333230547683e-20, "3.341333230547683e-20", "3.341333e-20"),
    (-880582.4667413391, "-880582.4667413391", "-880582.44"),
    (-466515.84075411165, "-466515.84075411165", "-466515.84"),
    (-2.653336147496918e-93, "-2.653336147496918e-93", "-0"),
    (5201.87, "5201.87", "5201.87"),
    (3.78044767998204e-178, "3.78044767998204e-178", "0"),
    (9398581791103.97, "9398581791103.97", "9.398582e+12"),
    (-9145.0, "-9145", "-9145"),
    (767557740.8703893, "767557740.8703893", "7.6755776e+08"),
]


@pytest.mark.parametrize(("config", "template", "config_json", "template_json", "digest"), SERVICE_VECTORS)
def test_service_version_is_gos(
    config: str, template: str, config_json: str, template_json: str, digest: str
) -> None:
    config_spec, template_spec = load(config), load(template)
    assert gojson.configuration_spec_json(config_spec) == config_json
    assert gojson.template_spec_json(template_spec) == template_json
    assert gojson.service_version(config_spec, template_spec) == digest
    hashed = f"{config_json}\n{template_json}\n".encode()
    assert hashlib.sha256(hashed).hexdigest()[:10] == digest


@pytest.mark.parametrize(("switches", "service_ids", "deployment", "switches_json", "digest"), CHAIN_VECTORS)
def test_chain_version_is_gos(
    switches: str, service_ids: dict[str, str], deployment: str, switches_json: str, digest: str
) -> None:
    data = load(switches)
    assert gojson.chain_version(data, service_ids, deployment=deployment) == digest
    assert hashlib.sha256(f"{switches_json}\n".encode()).hexdigest()[:10] == digest


def _values(vectors: list[Any], case: str) -> tuple[Any, ...]:
    (found,) = (p.values for p in vectors if p.id == case)
    return tuple(found)


def test_chain_version_of_switches_already_resolved() -> None:
    """The caller may replace the names itself and pass no serviceIDs: the same bytes and digest."""
    switches_yaml, ids, _, expected_json, digest = _values(CHAIN_VECTORS, "switches-full")
    resolved = [
        {
            **switch,
            "ports": [
                {**port, "service": {**port["service"], "name": ids[port["service"]["name"]]}}
                if "service" in port
                else port
                for port in switch["ports"]
            ],
        }
        for switch in load(switches_yaml)
    ]
    assert gojson.switches_json(resolved) == expected_json
    assert gojson.chain_version(resolved) == digest


@pytest.mark.parametrize(
    ("namespace", "name", "service", "digest"),
    [
        ("dpf", "split", "controller", "1f936d78cc"),
        ("dpf-operator-system", "dpudeployment", "example-in-cluster", "d557db0551"),
    ],
    ids=["golden-case", "dpf-e2e"],
)
def test_in_cluster_label_hash_is_gos(namespace: str, name: str, service: str, digest: str) -> None:
    assert gojson.namespaced_name_json(namespace, name) == f'{{"Namespace":"{namespace}","Name":"{name}"}}'
    assert gojson.in_cluster_label_hash(namespace, name, service) == digest


def _digest(case: str) -> str:
    """Go's digest for the case, as pinned (test_service_version_is_gos holds dpf-render to each one)."""
    *_, digest = _values(SERVICE_VECTORS, case)
    return str(digest)


# Edits DPF's API server and types normalise away: each group has one digest.
SAME = [
    (
        "empty-config",
        "policy-false",
        "helm-chart-empty",
        "service-configuration-empty",
        "helm-values-null",
        "nulls-of-typed-fields",
        "template-path-empty",
        "template-resources-empty",
    ),
    ("defaults-written", "defaults-omitted", "defaults-null"),
    ("service-daemon-set-empty", "empty-maps-dropped"),
    ("values-key-order-a", "values-key-order-b"),
    ("unknown-fields-pruned", "unknown-fields-absent"),
]
# Edits that look empty but that DPF's digest sees: a pointer to an empty struct is `{}`, a non-nil pointer
# to false is `false`, an empty RawExtension object is `{}`, and nulls inside helm values are kept.
DIFFERENT = [
    ("empty-config", "service-daemon-set-empty"),
    ("empty-config", "deploy-in-cluster-false"),
    ("empty-config", "values-empty"),
    ("values-empty", "values-nulls-kept"),
    ("empty-config", "template-security-empty"),
    ("template-security-empty", "template-security-false"),
    ("service-daemon-set-empty", "update-strategy-empty"),
]


@pytest.mark.parametrize("group", SAME, ids=[g[0] for g in SAME])
def test_normalised_edits_keep_the_digest(group: tuple[str, ...]) -> None:
    assert len({_digest(case) for case in group}) == 1


@pytest.mark.parametrize("pair", DIFFERENT, ids=["-vs-".join(p) for p in DIFFERENT])
def test_edits_dpf_sees_change_the_digest(pair: tuple[str, str]) -> None:
    assert _digest(pair[0]) != _digest(pair[1])


@pytest.mark.parametrize(("value", "expected"), QUANTITY_VECTORS, ids=[repr(v) for v, _ in QUANTITY_VECTORS])
def test_quantity_json_is_gos(value: str | float, expected: str) -> None:
    assert gojson.quantity_json(value) == expected


@pytest.mark.parametrize(("value", "expected"), STRING_VECTORS, ids=[ascii(v) for v, _ in STRING_VECTORS])
def test_go_string_is_gos(value: str, expected: str) -> None:
    assert gojson.go_string(value) == expected


@pytest.mark.parametrize(
    ("value", "json_text", "key_text"), FLOAT_VECTORS, ids=[repr(v) for v, _, _ in FLOAT_VECTORS]
)
def test_floats_are_written_as_go_writes_them(value: float, json_text: str, key_text: str) -> None:
    assert gojson.go_float(value) == json_text
    assert gojson.free_json({value: 0}) == f'{{"{key_text}":0}}'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({True: 1, 2: 3}, '{"2":3,"true":1}'),
        ({1.5: 1}, '{"1.5":1}'),
        ([1.0, -0.0, 2**63, 2**53 + 1], "[1,0,9223372036854776000,9007199254740993]"),
    ],
    ids=["bool-and-int-keys", "float-key", "numbers"],
)
def test_free_form_values(value: Any, expected: str) -> None:
    assert gojson.free_json(value) == expected


@pytest.mark.parametrize(
    ("config", "path", "message"),
    [
        (
            {"serviceConfiguration": {"helmChart": {"values": {"x": [float("nan")]}}}},
            "serviceConfiguration.helmChart.values.x[0]",
            "not a JSON number",
        ),
        (
            {"serviceConfiguration": {"helmChart": {"values": {"x": float("inf")}}}},
            "serviceConfiguration.helmChart.values.x",
            "not a JSON number",
        ),
        (
            {"serviceConfiguration": {"helmChart": {"values": {1: "a", "1": "b"}}}},
            "serviceConfiguration.helmChart.values",
            "same key",
        ),
        (
            {"serviceConfiguration": {"helmChart": {"values": {None: "a"}}}},
            "serviceConfiguration.helmChart.values",
            "map key",
        ),
        (
            {"serviceConfiguration": {"helmChart": {"values": {"x": 10**400}}}},
            "serviceConfiguration.helmChart.values.x",
            "out of the range",
        ),
        (
            {
                "serviceConfiguration": {
                    "configPorts": {"ports": [{"name": "a", "port": 70000, "protocol": "TCP"}]}
                }
            },
            "serviceConfiguration.configPorts.ports[0].port",
            "from 0 to 65535",
        ),
        (
            {
                "serviceConfiguration": {
                    "serviceDaemonSet": {"updateStrategy": {"rollingUpdate": {"maxSurge": 1.5}}}
                }
            },
            "serviceConfiguration.serviceDaemonSet.updateStrategy.rollingUpdate.maxSurge",
            "int32",
        ),
        (
            {"serviceConfiguration": {"serviceDaemonSet": {"resources": {"cpu": "lots"}}}},
            "serviceConfiguration.serviceDaemonSet.resources.cpu",
            "quantit",
        ),
        ({"interfaces": [{"name": "a", "network": 5}]}, "interfaces[0].network", "must be a string"),
    ],
    ids=[
        "nan",
        "infinity",
        "colliding-keys",
        "null-key",
        "huge-int",
        "port-over-uint16",
        "fractional-int-or-string",
        "bad-quantity",
        "wrong-type",
    ],
)
def test_values_dpf_cannot_read_are_errors(config: dict[str, Any], path: str, message: str) -> None:
    with pytest.raises(gojson.GoJSONError) as caught:
        gojson.configuration_spec_json({"deploymentServiceName": "svc", **config})
    assert caught.value.path == path
    assert message in caught.value.message


def test_a_lone_surrogate_is_an_error() -> None:
    spec = {
        "deploymentServiceName": "svc",
        "serviceConfiguration": {"helmChart": {"values": {"x": "\ud800"}}},
    }
    with pytest.raises(gojson.GoJSONError, match="surrogate"):
        gojson.service_version(spec, {"deploymentServiceName": "svc"})


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("case", "where", "value", "field", "problem"),
    [
        (
            "service-interface-ports-ipam",
            "switch",
            "p\ud800",
            "spec.serviceChains.switches",
            "a string holds a lone surrogate, which is not UTF-8 text",
        ),
        (
            "old-shape",
            "switch",
            "p\ud800",
            "spec.serviceChains",
            "a string holds a lone surrogate, which is not UTF-8 text",
        ),
        (
            "service-interface-ports-ipam",
            "values",
            float("nan"),
            "spec.serviceConfiguration.helmChart.values.x[0]",
            "nan is not a JSON number (the API server refuses it)",
        ),
    ],
    ids=["chain-whole", "chain-whole-old-shape", "service-values"],
)
def test_a_value_dpf_cannot_read_is_reported_on_its_field(
    case: str, where: str, value: Any, field: str, problem: str
) -> None:
    """The error's path under the field the document is. A lone surrogate fails only when the whole document
    is hashed, so it has no path of its own: the field is the document's (never "spec.serviceChains.")."""
    objs = yamlload.load_documents((GOLDEN / case / "input.yaml").read_text(encoding="utf-8"))
    if where == "switch":
        (deployment,) = (o for o in objs if o["kind"] == "DPUDeployment")
        chains = deployment["spec"]["serviceChains"]
        switches = chains if isinstance(chains, list) else chains["switches"]
        switches[0]["ports"].append({"serviceInterface": {"matchLabels": {"uplink": value}}})
    else:
        (configuration, *_) = (o for o in objs if o["kind"] == "DPUServiceConfiguration")
        configuration["spec"]["serviceConfiguration"] = {"helmChart": {"values": {"x": [value]}}}
    rendering = pipeline.render([Item(o, i) for i, o in enumerate(objs)], RenderConfig(), mode=pipeline.FINAL)
    errors = [(r.message, r.field) for r in rendering.results if r.severity == "error"]
    assert errors == [(f"DPF's controller cannot read this value: {problem}", field)]


def test_inputs_are_not_changed() -> None:
    config_yaml, template_yaml, *_ = _values(SERVICE_VECTORS, "every-field")
    config, template = load(config_yaml), load(template_yaml)
    before = (repr(config), repr(template))
    gojson.service_version(config, template)
    assert (repr(config), repr(template)) == before


def test_import_stays_light() -> None:
    loaded = modules_imported_by("import kustomize_plugin.gojson")
    assert "kustomize_plugin.gojson" in loaded
    for heavy in ("json", "hashlib", "re", "decimal", "struct", "typing", "kustomize_plugin.quantity"):
        assert heavy not in loaded
