// kube-validate: validates rendered Kubernetes manifests (a multi-document YAML stream on stdin)
// offline against the Kubernetes API types of k8s.io/api, decoding each object strictly: an unknown
// or misspelt field, a duplicate field, a wrong type or an unknown kind/apiVersion is an error.
// ServiceMonitor and PrometheusRule (Prometheus Operator CRDs) are checked against the operator's
// own Go types. Object names and label keys/values are checked with apimachinery's validators.
//
// Usage: helm template … | kube-validate [-kube-version 1.31]
// Exit 0 with a summary line when every document is valid; 1 with one line per problem otherwise.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigyaml "sigs.k8s.io/yaml"
)

// removedIn lists API versions a chart must not use for a given Kubernetes minor version.
var removedIn = map[string]int{
	"policy/v1beta1/PodDisruptionBudget":                   25,
	"autoscaling/v2beta2/HorizontalPodAutoscaler":          26,
	"autoscaling/v2beta1/HorizontalPodAutoscaler":          25,
	"networking.k8s.io/v1beta1/Ingress":                    22,
	"extensions/v1beta1/Ingress":                           22,
	"extensions/v1beta1/NetworkPolicy":                     16,
	"batch/v1beta1/CronJob":                                25,
	"flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema":      29,
	"storage.k8s.io/v1beta1/CSIStorageCapacity":            27,
}

func main() {
	kubeVersion := flag.String("kube-version", "1.31", "Kubernetes major.minor the manifests target")
	flag.Parse()
	minor := 0
	if _, err := fmt.Sscanf(strings.TrimPrefix(*kubeVersion, "v"), "1.%d", &minor); err != nil {
		fmt.Fprintf(os.Stderr, "kube-validate: -kube-version %q is not 1.N\n", *kubeVersion)
		os.Exit(2)
	}

	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		panic(err)
	}
	if err := monitoringv1.AddToScheme(s); err != nil {
		panic(err)
	}
	decoder := serializer.NewCodecFactory(s, serializer.EnableStrict).UniversalDeserializer()

	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	var problems []string
	kinds := map[string]int{}
	n := 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "kube-validate: cannot read the YAML stream: %v\n", err)
			os.Exit(1)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		n++
		var u unstructured.Unstructured
		j, err := sigyaml.YAMLToJSON(doc)
		if err != nil || u.UnmarshalJSON(j) != nil {
			problems = append(problems, fmt.Sprintf("document %d: not a Kubernetes object: %v", n, err))
			continue
		}
		where := fmt.Sprintf("%s/%s %q", u.GetAPIVersion(), u.GetKind(), u.GetName())
		if m, ok := removedIn[u.GetAPIVersion()+"/"+u.GetKind()]; ok && minor >= m {
			problems = append(problems, fmt.Sprintf("%s: %s %s was removed in Kubernetes 1.%d", where, u.GetAPIVersion(), u.GetKind(), m))
		}
		if _, _, err := decoder.Decode(doc, nil, nil); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", where, err))
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(u.GetName()) {
			problems = append(problems, fmt.Sprintf("%s: metadata.name: %s", where, msg))
		}
		if ns := u.GetNamespace(); ns != "" {
			for _, msg := range validation.IsDNS1123Label(ns) {
				problems = append(problems, fmt.Sprintf("%s: metadata.namespace: %s", where, msg))
			}
		}
		for k, v := range u.GetLabels() {
			for _, msg := range validation.IsQualifiedName(k) {
				problems = append(problems, fmt.Sprintf("%s: label key %q: %s", where, k, msg))
			}
			for _, msg := range validation.IsValidLabelValue(v) {
				problems = append(problems, fmt.Sprintf("%s: label %s=%q: %s", where, k, v, msg))
			}
		}
		kinds[u.GetKind()]++
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Println(p)
		}
		os.Exit(1)
	}
	if n == 0 {
		fmt.Println("no Kubernetes objects on stdin")
		os.Exit(1)
	}
	var parts []string
	for k, c := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", c, k))
	}
	sort.Strings(parts)
	fmt.Printf("%d objects valid against Kubernetes 1.%d types (strict): %s\n", n, minor, strings.Join(parts, ", "))
}

func stripComments(doc []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '#' {
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.Bytes()
}
