module github.com/apxlate/apxlate/bindings/go

go 1.19
