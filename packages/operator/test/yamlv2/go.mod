module github.com/whatap-operator/operator/test/yamlv2

go 1.26.0

require gopkg.in/yaml.v2 v2.4.0
