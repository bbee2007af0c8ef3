module github.com/gongkai/gongkai

go 1.26.8
