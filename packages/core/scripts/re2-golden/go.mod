module github.com/whatap-operator/core/scripts/re2-golden

go 1.26.0
